#include "orders/api/carrier_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "orders/domain/reasons.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

namespace {

void CheckCarrier(const v1::PutCarrierRequest& request,
                  std::vector<platform::FieldViolation>& violations) {
  platform::CheckSku("carrierId", request.carrier_id(), violations);
  const v1::Carrier& carrier = request.carrier();
  platform::CheckText("carrier.name", carrier.name(), {.max_chars = 100, .required = true},
                      violations);
  int count = carrier.signing_secrets_size();
  if (count < 1 || count > 2) {
    violations.push_back({"carrier.signingSecrets", "must hold one or two secrets"});
    return;
  }
  for (int i = 0; i < count; ++i) {
    const std::string& secret = carrier.signing_secrets(i);
    bool printable = true;
    for (char c : secret) printable = printable && c > ' ' && c < 0x7f;
    int size = static_cast<int>(secret.size());
    if (!printable || size < kMinSecretChars || size > kMaxSecretChars) {
      violations.push_back({absl::StrCat("carrier.signingSecrets[", i, "]"),
                            "must be 32 to 128 printable ASCII characters without spaces"});
    }
  }
}

// The carrier as answered: never its secrets, only how many are set.
v1::Carrier CarrierAnswer(const StoredCarrier& stored) {
  v1::Carrier carrier;
  carrier.set_carrier_id(stored.record.carrier_id());
  carrier.set_name(stored.record.name());
  carrier.set_signing_secret_count(stored.record.sealed_secrets_size());
  carrier.set_etag(stored.etag);
  *carrier.mutable_updated_at() = stored.record.updated_at();
  return carrier;
}

}  // namespace

CarrierService::CarrierService(CarrierServiceDeps deps)
    : deps_(std::move(deps)), partner_secrets_(*this) {}

grpc::ServerUnaryReactor* CarrierService::PutCarrier(grpc::CallbackServerContext* context,
                                                     const v1::PutCarrierRequest* request,
                                                     v1::Carrier* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             CheckCarrier(*request, violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Put(txn, *request, rc.if_match, response);
           }});
}

absl::Status CarrierService::Put(platform::Txn& txn, const v1::PutCarrierRequest& request,
                                 absl::string_view if_match, v1::Carrier* response) {
  store::v1::CarrierRecord record;
  record.set_carrier_id(request.carrier_id());
  record.set_name(request.carrier().name());
  for (const std::string& secret : request.carrier().signing_secrets()) {
    record.add_sealed_secrets(deps_.secrets.Seal(secret));
  }
  *record.mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  auto stored = deps_.carriers.Replace(txn, request.carrier_id(), record, if_match);
  if (!stored.ok()) return stored.status();
  *response = CarrierAnswer(*stored);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CarrierService::GetCarrier(grpc::CallbackServerContext* context,
                                                     const v1::GetCarrierRequest* request,
                                                     v1::Carrier* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    if (!platform::IsValidSku(request->carrier_id())) return deps_.carriers.Missing();
    auto stored = deps_.carriers.Get(request->carrier_id());
    if (!stored.ok()) return stored.status();
    *response = CarrierAnswer(*stored);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CarrierService::PartnerSecrets::GetPartnerSecret(
    grpc::CallbackServerContext* context, const api::v1::GetPartnerSecretRequest* request,
    api::v1::PartnerSecret* response) {
  return owner_.deps_.partner_secret_rpc.Read(
      context, *request, [&](const platform::RequestContext&) {
        return owner_.Secrets(request->partner_id(), response);
      });
}

absl::Status CarrierService::Secrets(absl::string_view carrier_id,
                                     api::v1::PartnerSecret* response) const {
  auto unknown = [] {
    return platform::Error(absl::StatusCode::kNotFound, kReasonPartnerNotFound,
                           "no partner with this id");
  };
  if (!platform::IsValidSku(carrier_id)) return unknown();
  auto stored = deps_.carriers.Get(carrier_id);
  if (absl::IsNotFound(stored.status())) return unknown();
  if (!stored.ok()) return stored.status();
  for (const std::string& sealed : stored->record.sealed_secrets()) {
    auto secret = deps_.secrets.Open(sealed);
    // Sealed under another key: the key file was replaced; say so, loudly, as INTERNAL.
    if (!secret.ok()) return absl::InternalError("a carrier secret does not open with this key");
    response->add_secrets(*secret);
  }
  return absl::OkStatus();
}

}  // namespace crm::orders
