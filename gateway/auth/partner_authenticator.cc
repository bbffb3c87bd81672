#include "gateway/auth/partner_authenticator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "gateway/auth/partner_signature.h"
#include "gateway/errors/reasons.h"
#include "platform/base/errors.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {
namespace {

HttpError Refusal(absl::string_view reason, const char* header, absl::string_view why) {
  return FromGrpc(platform::ToGrpcStatus(SignatureRefused(reason, header, why)));
}

// The same for an unknown partner as for a wrong signature: nothing tells which.
HttpError Mismatch() {
  return Refusal(kReasonSignatureInvalid, kSignatureHeader,
                 "does not match the request with any secret of the partner");
}

}  // namespace

void PartnerAuthenticator::Count(absl::string_view partner, absl::string_view reason) const {
  if (options_.metrics == nullptr) return;
  options_.metrics
      ->AddCounter("crm_gateway_partner_signature_failures_total",
                   "Signed partner requests refused, by partner (known ones; else unknown) and "
                   "reason",
                   {{"partner", std::string(partner)}, {"reason", std::string(reason)}})
      .Increment();
}

void PartnerAuthenticator::Authenticate(std::shared_ptr<Exchange> exchange, Done done) const {
  const HttpRequest& request = exchange->request;
  auto signed_request = ReadSignedRequest(request);
  if (!signed_request.ok()) {
    Count("unknown", platform::DetailsOf(signed_request.status()).reason());
    return done(FromGrpc(platform::ToGrpcStatus(signed_request.status())));
  }
  auto view = [](boost::beast::string_view v) { return absl::string_view(v.data(), v.size()); };
  std::string canonical = CanonicalRequest(view(request.method_string()), view(request.target()),
                                           signed_request->timestamp, request.body());
  const std::string partner_id = signed_request->partner_id;
  // The secrets first, also for a stale timestamp: a refusal is counted under the partner only
  // when the service knows it.
  secrets_.Get(
      exchange->route->area, partner_id, exchange->request_id,
      [this, exchange, done = std::move(done), signed_request = *std::move(signed_request),
       canonical = std::move(canonical)](absl::StatusOr<PartnerSecrets::Secrets> secrets) {
        if (absl::IsNotFound(secrets.status())) {
          Count("unknown", kReasonSignatureInvalid);
          return done(Mismatch());
        }
        if (!secrets.ok()) {
          return done(GatewayError(503, grpc::StatusCode::UNAVAILABLE, kReasonServiceUnavailable,
                                   "the partner's signature cannot be checked now; retry later"));
        }
        absl::Duration skew = clock_.Now() - absl::FromUnixSeconds(signed_request.unix_seconds);
        if (absl::AbsDuration(skew) > options_.window) {
          Count(signed_request.partner_id, kReasonSignatureExpired);
          return done(Refusal(kReasonSignatureExpired, kTimestampHeader,
                              absl::StrCat("is more than ", absl::ToInt64Seconds(options_.window),
                                           " s away from the gateway's time")));
        }
        bool matches = false;
        for (const std::string& secret : *secrets) {
          matches |= SignatureMatches(secret, canonical, signed_request.signature);
        }
        if (!matches) {
          Count(signed_request.partner_id, kReasonSignatureInvalid);
          return done(Mismatch());
        }
        auto token = tokens_.For(signed_request.partner_id);
        if (!token.ok()) {
          platform::LogError("cannot sign a partner token", {{"error", token.status().ToString()}});
          return done(GatewayError(500, grpc::StatusCode::INTERNAL, platform::kReasonInternal,
                                   "internal error"));
        }
        // Whatever Authorization the client sent is not the partner's credential: the service
        // gets the gateway's token only.
        auto& metadata = exchange->metadata;
        metadata.erase(
            std::remove_if(metadata.begin(), metadata.end(),
                           [](const auto& entry) { return entry.first == "authorization"; }),
            metadata.end());
        metadata.emplace_back("authorization", absl::StrCat("Bearer ", *token));
        exchange->principal = {
            .authenticated = true,
            .subject = absl::StrCat(platform::kPartnerSubjectPrefix, signed_request.partner_id),
            .role = std::string(platform::kPartnerRole)};
        done(std::nullopt);
      });
}

}  // namespace crm::gateway
