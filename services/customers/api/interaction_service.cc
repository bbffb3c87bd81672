#include "customers/api/interaction_service.h"

#include <google/protobuf/util/time_util.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/customers.pb.h"
#include "customers/domain/reasons.h"
#include "customers/domain/registration.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/paging.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

namespace {

// "i" + the inverted time in hex (so ids sort newest first) + random characters.
std::string NewInteractionId(absl::Time occurred_at) {
  return absl::StrCat("i", platform::TimeOrderKey(occurred_at, /*newest_first=*/true),
                      platform::NewId("r").substr(2, 8));
}

bool IsInteractionId(absl::string_view id) { return id.size() == 25 && id[0] == 'i'; }

// When `interaction` happened (now unless it says), checked into `violations` with its other
// fields.
absl::Time CheckInteraction(const v1::Interaction& interaction, absl::Time now,
                            std::vector<platform::FieldViolation>& violations) {
  if (interaction.channel() == v1::Interaction::CHANNEL_UNSPECIFIED ||
      !v1::Interaction::Channel_IsValid(interaction.channel())) {
    violations.push_back({"interaction.channel", "must be WEB, PHONE, EMAIL, CHAT, SMS or STORE"});
  }
  if (interaction.direction() == v1::Interaction::DIRECTION_UNSPECIFIED ||
      !v1::Interaction::Direction_IsValid(interaction.direction())) {
    violations.push_back({"interaction.direction", "must be INBOUND or OUTBOUND"});
  }
  CheckText("interaction.topic", interaction.topic(), {.max_chars = 100, .required = true},
            violations);
  CheckText("interaction.note", interaction.note(), {.max_chars = 4000, .multiline = true},
            violations);
  if (!interaction.has_occurred_at()) return now;
  // A few minutes of clock difference between desks is tolerated; more is a mistake.
  static const absl::Time kEarliest =
      absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone());
  const google::protobuf::Timestamp& at = interaction.occurred_at();
  if (!platform::IsValidTimestamp(at)) {
    violations.push_back({"interaction.occurredAt", "is not a valid time"});
    return now;
  }
  absl::Time occurred = platform::FromTimestamp(at);
  if (occurred > now + absl::Minutes(5) || occurred < kEarliest) {
    violations.push_back({"interaction.occurredAt", "must be between 2000-01-01 and now"});
  }
  return occurred;
}

}  // namespace

grpc::ServerUnaryReactor* InteractionService::LogInteraction(
    grpc::CallbackServerContext* context, const v1::LogInteractionRequest* request,
    v1::Interaction* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [this, request] {
             std::vector<platform::FieldViolation> violations;
             CheckInteraction(request->interaction(), deps_.clock.Now(), violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Log(txn, *request, rc, response);
           }});
}

grpc::ServerUnaryReactor* InteractionService::GetInteraction(
    grpc::CallbackServerContext* context, const v1::GetInteractionRequest* request,
    v1::Interaction* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    auto entity = deps_.interactions.Get(request->customer_id(), request->interaction_id());
    if (!entity.ok()) return entity.status();
    if (!entity->has_value() || !IsInteractionId(request->interaction_id())) {
      return platform::Error(absl::StatusCode::kNotFound, kReasonInteractionNotFound,
                             "no interaction with this id");
    }
    if (!response->ParseFromString((*entity)->data)) {
      return absl::InternalError("unreadable interaction");
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InteractionService::ListInteractions(
    grpc::CallbackServerContext* context, const v1::ListInteractionsRequest* request,
    v1::ListInteractionsResponse* response) {
  return deps_.rpc.Read(context, *request,
                        [&](const platform::RequestContext&) { return List(*request, response); });
}

absl::StatusOr<std::vector<v1::Interaction>> InteractionService::Newest(
    absl::string_view customer_id, absl::string_view after_id, int limit, std::string* next) const {
  std::vector<v1::Interaction> page;
  next->clear();
  bool unreadable = false;
  absl::Status listed = deps_.interactions.List(
      customer_id, after_id, [&](absl::string_view id, const platform::Entity& entity) {
        if (id == after_id) return true;  // the token names the last one already answered
        if (static_cast<int>(page.size()) == limit) {
          *next = page.back().interaction_id();
          return false;
        }
        v1::Interaction interaction;
        unreadable = !interaction.ParseFromString(entity.data);
        if (!unreadable) page.push_back(std::move(interaction));
        return !unreadable;
      });
  if (!listed.ok()) return listed;
  if (unreadable) return absl::InternalError("unreadable interaction");
  return page;
}

absl::Status InteractionService::Log(platform::Txn& txn, const v1::LogInteractionRequest& request,
                                     const platform::RequestContext& rc,
                                     v1::Interaction* response) {
  v1::Interaction interaction = request.interaction();
  absl::Time now = deps_.clock.Now();
  std::vector<platform::FieldViolation> violations;
  absl::Time occurred = CheckInteraction(interaction, now, violations);
  if (!violations.empty()) return platform::InvalidFields(violations);
  const std::string& role = rc.principal.role;
  if (role == "customer") {
    interaction.clear_agent_id();
  } else if (role != "service") {
    interaction.set_agent_id(rc.principal.subject);
  }
  // Locked: the event enters the outbox in the customer's order.
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  interaction.set_customer_id(request.customer_id());
  interaction.set_interaction_id(NewInteractionId(occurred));
  *interaction.mutable_occurred_at() = platform::ToTimestamp(occurred);
  *interaction.mutable_logged_at() = platform::ToTimestamp(now);
  if (absl::Status s =
          deps_.interactions.Put(txn, request.customer_id(), interaction.interaction_id(), 1,
                                 interaction.SerializeAsString());
      !s.ok()) {
    return s;
  }
  if (auto appended = PublishInteractionLogged(deps_.outbox, txn, interaction, rc.request_id);
      !appended.ok()) {
    return appended.status();
  }
  *response = std::move(interaction);
  return absl::OkStatus();
}

absl::Status InteractionService::List(const v1::ListInteractionsRequest& request,
                                      v1::ListInteractionsResponse* response) {
  std::vector<platform::FieldViolation> violations;
  platform::PageRequest page = platform::ReadPageRequest(
      request.page_size(), request.page_token(), {.default_size = 20, .max_size = 100}, violations);
  if (violations.empty() && !page.after.empty() && !IsInteractionId(page.after)) {
    violations.push_back({"pageToken", "is not a token this list answered"});
  }
  if (!violations.empty()) return platform::InvalidFields(violations);
  if (auto customer = deps_.customers.Get(request.customer_id()); !customer.ok()) {
    return customer.status();
  }
  std::string next;
  auto newest = Newest(request.customer_id(), page.after, page.size, &next);
  if (!newest.ok()) return newest.status();
  for (v1::Interaction& interaction : *newest) {
    *response->add_interactions() = std::move(interaction);
  }
  if (!next.empty()) response->set_next_page_token(platform::PageTokenAfter(next));
  return absl::OkStatus();
}

}  // namespace crm::customers
