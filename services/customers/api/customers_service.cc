#include "customers/api/customers_service.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "customers/domain/profile.h"
#include "customers/domain/reasons.h"
#include "customers/domain/registration.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"
#include "platform/base/paging.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"
#include "platform/rpc/request_context.h"
#include "platform/store/entity.h"

namespace crm::customers {

namespace {

void ToApi(const StoredCustomer& stored, v1::Customer* out) {
  const store::v1::CustomerRecord& r = stored.record;
  out->set_customer_id(r.customer_id());
  out->set_email(r.email());
  out->set_display_name(r.display_name());
  out->set_kind(r.kind());
  *out->mutable_created_at() = r.created_at();
  out->set_etag(stored.etag);
  out->set_phone(r.phone());
  out->set_mobile(r.mobile());
  if (!r.birth_date().empty()) out->set_birth_date(r.birth_date());
  out->set_occupation(r.occupation());
  *out->mutable_interests() = r.interests();
  if (r.has_company()) *out->mutable_company() = r.company();
  out->set_notes(r.notes());
  if (r.has_updated_at()) *out->mutable_updated_at() = r.updated_at();
}

// The changeable profile fields of `from` into `to`.
void CopyProfile(const v1::Customer& from, store::v1::CustomerRecord* to) {
  to->set_display_name(from.display_name());
  to->set_phone(from.phone());
  to->set_mobile(from.mobile());
  to->set_birth_date(from.birth_date());
  to->set_occupation(from.occupation());
  *to->mutable_interests() = from.interests();
  if (from.has_company()) {
    *to->mutable_company() = from.company();
  } else {
    to->clear_company();
  }
  to->set_notes(from.notes());
}

// The profile part of a registration, as the Customer it will become.
v1::Customer ProfileOf(const v1::CreateCustomerRequest& request) {
  v1::Customer c;
  c.set_kind(request.kind() == v1::Customer::KIND_UNSPECIFIED ? v1::Customer::INDIVIDUAL
                                                              : request.kind());
  c.set_display_name(request.display_name());
  c.set_phone(request.phone());
  c.set_mobile(request.mobile());
  if (!request.birth_date().empty()) c.set_birth_date(request.birth_date());
  c.set_occupation(request.occupation());
  *c.mutable_interests() = request.interests();
  if (request.has_company()) *c.mutable_company() = request.company();
  return c;
}

}  // namespace

CustomersService::CustomersService(CustomersServiceDeps deps)
    : deps_(std::move(deps)),
      registered_(
          deps_.metrics.AddCounter("crm_customers_registered_total", "Customers registered", {})),
      updated_(
          deps_.metrics.AddCounter("crm_customers_profile_updates_total", "Profile updates", {})) {}

grpc::ServerUnaryReactor* CustomersService::CreateCustomer(grpc::CallbackServerContext* context,
                                                           const v1::CreateCustomerRequest* request,
                                                           v1::Customer* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [this, request] {
             std::vector<platform::FieldViolation> violations =
                 ValidateRegistration({.email = request->email(),
                                       .password = request->password(),
                                       .display_name = request->display_name()});
             if (!v1::Customer::Kind_IsValid(request->kind())) {
               violations.push_back({"kind", "must be INDIVIDUAL or COMPANY"});
             } else {
               CheckProfile(ProfileOf(*request), "", deps_.clock.Now(), violations);
             }
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Register(txn, *request, rc, response);
           },
       .pooled = "password hashing"});
}

absl::Status CustomersService::Register(platform::Txn& txn,
                                        const v1::CreateCustomerRequest& request,
                                        const platform::RequestContext& rc,
                                        v1::Customer* response) {
  auto hash = HashPassword(request.password(), deps_.hashing);
  if (!hash.ok()) return platform::Overloaded("password hashing");

  // Staff accounts are looked up first at login: a customer with a staff email could never
  // log in, so the email is taken.
  std::string email = NormalizeEmail(request.email());
  auto staff = deps_.staff.FindByEmail(email);
  if (staff.ok()) {
    return platform::Error(absl::StatusCode::kAlreadyExists, kReasonEmailTaken,
                           "a customer with this email already exists",
                           {{"email", "is already registered"}});
  }
  if (!absl::IsNotFound(staff.status())) return staff.status();

  v1::Customer profile = ProfileOf(request);
  store::v1::CustomerRecord record;
  record.set_customer_id(platform::NewId("c"));
  record.set_email(request.email());
  record.set_kind(profile.kind());
  CopyProfile(profile, &record);
  record.set_password_hash(*hash);
  *record.mutable_created_at() = platform::ToTimestamp(deps_.clock.Now());

  auto stored = deps_.customers.Insert(txn, record);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = deps_.index.Update(txn, nullptr, &record); !s.ok()) return s;
  if (absl::Status s = deps_.index.SetTier(
          txn, record.customer_id(), v1::TierBenefits::TIER_UNSPECIFIED, v1::TierBenefits::REGULAR);
      !s.ok()) {
    return s;
  }
  if (auto event = PublishCustomerRegistered(deps_.outbox, txn, record, rc.request_id);
      !event.ok()) {
    return event.status();
  }
  ToApi(*stored, response);
  response->set_tier(v1::TierBenefits::REGULAR);
  txn.AfterCommit([this, request_id = rc.request_id, customer_id = record.customer_id()] {
    registered_.Increment();
    platform::LogInfo("customer registered",
                      {{"requestId", request_id}, {"customerId", customer_id}});
  });
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CustomersService::GetCustomer(grpc::CallbackServerContext* context,
                                                        const v1::GetCustomerRequest* request,
                                                        v1::Customer* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    if (request->customer_id().empty()) {
      return platform::InvalidFields({{"customerId", "is required"}});
    }
    auto profile = Profile(request->customer_id());
    if (!profile.ok()) return profile.status();
    *response = std::move(*profile);
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Customer> CustomersService::Profile(absl::string_view customer_id) const {
  auto stored = deps_.customers.Get(customer_id);
  if (!stored.ok()) return stored.status();
  v1::Customer customer;
  ToApi(*stored, &customer);
  if (absl::Status s = AddLoyalty(&customer); !s.ok()) return s;
  return customer;
}

absl::Status CustomersService::AddLoyalty(v1::Customer* customer) const {
  customer->set_tier(v1::TierBenefits::REGULAR);
  if (deps_.loyalty == nullptr) return absl::OkStatus();
  auto account = deps_.loyalty->Account(customer->customer_id(), 0);
  if (!account.ok()) return account.status();
  customer->set_tier(account->benefits().tier());
  customer->set_points_balance(account->balance());
  customer->set_lifetime_value_cents(account->lifetime_value_cents());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CustomersService::SearchCustomers(
    grpc::CallbackServerContext* context, const v1::SearchCustomersRequest* request,
    v1::SearchCustomersResponse* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) {
    return Search(*request, response);
  });
}

namespace {

constexpr int kMaxExaminedPerPage = 2000;

struct SearchPlan {
  CustomerIndex::Kind kind;
  std::string prefix;
  // Name searches: every word must start one of the record's name words.
  std::vector<std::string> words;
};

SearchPlan PlanFor(absl::string_view query, v1::TierBenefits::Tier tier) {
  std::string q = absl::AsciiStrToLower(absl::StripAsciiWhitespace(query));
  if (q.empty()) return {CustomerIndex::kTier, v1::TierBenefits::Tier_Name(tier), {}};
  if (q.find('@') != std::string::npos) return {CustomerIndex::kEmail, q, {}};
  std::string digits;
  bool phone_like = true;
  for (char c : q) {
    if (absl::ascii_isdigit(c)) {
      digits.push_back(c);
    } else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      phone_like = false;
    }
  }
  if (phone_like && digits.size() >= 2) return {CustomerIndex::kPhone, digits, {}};
  store::v1::CustomerRecord words_of;
  words_of.set_display_name(q);
  std::set<std::string> terms = CustomerIndex::NameTerms(words_of);
  std::vector<std::string> words(terms.begin(), terms.end());
  // The longest word narrows the scan most.
  std::sort(words.begin(), words.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string first = words.empty() ? q : words.front();
  return {CustomerIndex::kName, first, words};
}

bool MatchesWords(const v1::Customer& c, const std::vector<std::string>& words) {
  store::v1::CustomerRecord record;
  record.set_display_name(c.display_name());
  *record.mutable_company() = c.company();
  std::set<std::string> terms = CustomerIndex::NameTerms(record);
  for (const std::string& word : words) {
    bool found = false;
    for (const std::string& term : terms) found |= absl::StartsWith(term, word);
    if (!found) return false;
  }
  return true;
}

}  // namespace

absl::Status CustomersService::Search(const v1::SearchCustomersRequest& request,
                                      v1::SearchCustomersResponse* response) {
  std::vector<platform::FieldViolation> violations;
  platform::PageRequest page = platform::ReadPageRequest(
      request.page_size(), request.page_token(), {.default_size = 20, .max_size = 100}, violations);
  const int size = page.size;
  if (!v1::TierBenefits::Tier_IsValid(request.tier())) {
    violations.push_back({"tier", "must be REGULAR, SILVER, GOLD or PLATINUM"});
  }
  std::string query(absl::StripAsciiWhitespace(request.query()));
  if (query.size() > 100) violations.push_back({"query", "must be at most 100 characters"});
  if (query.size() < 2 && request.tier() == v1::TierBenefits::TIER_UNSPECIFIED) {
    violations.push_back({"query", "needs 2 characters at least, or a tier"});
  }
  SearchPlan plan = PlanFor(query, request.tier());
  // The token carries the plan's kind and prefix, so it only continues the same search.
  std::string scope = absl::StrCat(plan.kind, ":", plan.prefix, "|");
  std::string after;
  if (!page.after.empty()) {
    if (!absl::StartsWith(page.after, scope)) {
      violations.push_back({"pageToken", "does not continue this search"});
    } else {
      after = page.after.substr(scope.size());
    }
  }
  if (!violations.empty()) return platform::InvalidFields(violations);

  std::set<std::string> answered;
  int examined = 0;
  std::string last_key;
  bool more = false;
  absl::Status failure;
  absl::Status scanned = deps_.index.Scan(
      plan.kind, plan.prefix, after, [&](absl::string_view key, absl::string_view customer_id) {
        if (response->customers_size() == size || ++examined > kMaxExaminedPerPage) {
          more = true;
          return false;
        }
        last_key = std::string(key);
        if (!answered.insert(std::string(customer_id)).second) return true;
        auto profile = Profile(customer_id);
        if (absl::IsNotFound(profile.status())) return true;
        if (!profile.ok()) {
          failure = profile.status();
          return false;
        }
        if (!MatchesWords(*profile, plan.words)) return true;
        if (request.tier() != v1::TierBenefits::TIER_UNSPECIFIED &&
            profile->tier() != request.tier()) {
          return true;
        }
        *response->add_customers() = std::move(*profile);
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;
  if (more) response->set_next_page_token(platform::PageTokenAfter(absl::StrCat(scope, last_key)));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CustomersService::UpdateCustomer(grpc::CallbackServerContext* context,
                                                           const v1::UpdateCustomerRequest* request,
                                                           v1::Customer* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             if (request->customer_id().empty()) {
               return platform::InvalidFields({{"customerId", "is required"}});
             }
             return absl::OkStatus();
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Update(txn, *request, rc, response);
           }});
}

absl::Status CustomersService::Update(platform::Txn& txn, const v1::UpdateCustomerRequest& request,
                                      const platform::RequestContext& rc, v1::Customer* response) {
  auto stored = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!stored.ok()) return stored.status();
  v1::Customer view;
  ToApi(*stored, &view);
  std::vector<platform::FieldViolation> violations;
  std::vector<std::string> changed =
      ApplyUpdate(request.customer(), request.update_mask(), &view, violations);
  if (!violations.empty()) return platform::InvalidFields(violations);
  if (absl::Status s = platform::CheckEtag({.version = stored->version}, rc.if_match); !s.ok()) {
    return s;
  }
  CheckText("customer.displayName", view.display_name(),
            {.max_chars = kMaxDisplayNameChars, .required = true}, violations);
  CheckProfile(view, "customer.", deps_.clock.Now(), violations);
  if (!violations.empty()) return platform::InvalidFields(violations);

  store::v1::CustomerRecord record = stored->record;
  CopyProfile(view, &record);
  *record.mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  auto updated = deps_.customers.Update(txn, *stored, record);
  if (!updated.ok()) return updated.status();
  if (absl::Status s = deps_.index.Update(txn, &stored->record, &record); !s.ok()) return s;
  if (auto event = PublishProfileChanged(deps_.outbox, txn, record, changed, rc.request_id);
      !event.ok()) {
    return event.status();
  }
  txn.AfterCommit([this] { updated_.Increment(); });
  ToApi(*updated, response);
  // The loyalty figures are read beside the change, not part of it: failing to read them must
  // not refuse the change.
  if (absl::Status s = AddLoyalty(response); !s.ok()) {
    platform::LogError("profile answered without loyalty figures",
                       {{"customerId", request.customer_id()}, {"error", s.ToString()}});
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
