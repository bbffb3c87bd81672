#include "gateway/auth/partner_secrets.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "crm/api/v1/partner_secrets.pb.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {
namespace {

constexpr char kMethod[] = "/crm.api.v1.PartnerSecretService/GetPartnerSecret";

// What a read's reply means for the partner's requests.
absl::StatusOr<PartnerSecrets::Secrets> SecretsOf(const std::string& area,
                                                  const platform::RawReply& reply) {
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError("no such partner");
  }
  api::v1::PartnerSecret answer;
  if (!reply.status.ok() || !answer.ParseFromString(reply.bytes)) {
    // The partner is not at fault: the service is down, or refuses the gateway's identity.
    platform::LogError("cannot read a partner's signing secrets",
                       {{"upstream", area},
                        {"code", platform::CodeName(reply.status.error_code())},
                        {"error", reply.status.error_message()}});
    return absl::UnavailableError("the partner's signing secrets cannot be read");
  }
  if (answer.secrets().empty()) return absl::NotFoundError("the partner has no secret");
  return PartnerSecrets::Secrets(answer.secrets().begin(), answer.secrets().end());
}

}  // namespace

PartnerSecrets::PartnerSecrets(Upstreams& upstreams, platform::ServiceTokens* identity,
                               const platform::Clock& clock, PartnerSecretsOptions options)
    : upstreams_(upstreams), identity_(identity), clock_(clock), options_(options) {}

void PartnerSecrets::Get(const std::string& area, const std::string& partner_id,
                         const std::string& request_id, Done done) {
  std::string key = absl::StrCat(area, "\n", partner_id);
  std::optional<absl::StatusOr<Secrets>> kept;
  {
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= options_.max_partners && !entries_.contains(key)) {
      absl::erase_if(entries_, [](const auto& entry) { return entry.second.waiting.empty(); });
    }
    Entry& entry = entries_[key];
    if (clock_.Now() < entry.expires) {
      kept = entry.secrets;
    } else {
      entry.waiting.push_back(std::move(done));
      if (entry.waiting.size() > 1) return;  // the read under way answers it
    }
  }
  if (kept) return done(*std::move(kept));
  Read(key, area, partner_id, request_id);
}

void PartnerSecrets::Read(const std::string& key, const std::string& area,
                          const std::string& partner_id, const std::string& request_id) {
  if (!upstreams_.Has(area)) {
    platform::LogError("no upstream to read a partner's signing secrets from",
                       {{"upstream", area}});
    return Store(key, absl::UnavailableError("no upstream"));
  }
  platform::CallMetadata metadata =
      identity_ != nullptr ? identity_->Metadata() : platform::CallMetadata();
  metadata.emplace_back("x-request-id", request_id);
  api::v1::GetPartnerSecretRequest request;
  request.set_partner_id(partner_id);
  upstreams_.Call(
      area, kMethod, request.SerializeAsString(), options_.deadline, metadata,
      [this, key, area](platform::RawReply reply) { Store(key, SecretsOf(area, reply)); });
}

void PartnerSecrets::Store(const std::string& key, absl::StatusOr<Secrets> secrets) {
  std::vector<Done> waiting;
  {
    absl::MutexLock lock(&mu_);
    Entry& entry = entries_[key];
    entry.secrets = secrets;
    absl::Duration keep = secrets.ok()                         ? options_.keep
                          : absl::IsNotFound(secrets.status()) ? options_.keep_unknown
                                                               : absl::ZeroDuration();
    entry.expires = clock_.Now() + keep;
    waiting.swap(entry.waiting);
  }
  for (Done& done : waiting) done(secrets);
}

}  // namespace crm::gateway
