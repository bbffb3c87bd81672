#include "gateway/stages/transcode.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "platform/auth/access.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {

HttpError AsClientWrote(const Route& route, HttpError error) {
  if (route.body.empty() || route.body == "*") return error;
  const auto* field = route.method->input_type()->FindFieldByName(route.body);
  if (field == nullptr) return error;
  std::string prefix = absl::StrCat(field->json_name(), ".");
  std::string proto_prefix = absl::StrCat(field->name(), ".");
  // The message lists the same fields ("invalid request: customer.phone is ...").
  error.message = absl::StrReplaceAll(
      error.message, {{absl::StrCat(" ", prefix), " "}, {absl::StrCat(" ", proto_prefix), " "}});
  for (auto& violation : *error.details.mutable_field_violations()) {
    absl::string_view name = violation.field();
    if (name == field->json_name() || name == field->name()) {
      violation.set_field("body");
    } else if (absl::ConsumePrefix(&name, prefix) || absl::ConsumePrefix(&name, proto_prefix)) {
      violation.set_field(std::string(name));
    }
  }
  return error;
}

std::optional<HttpError> Transcode(const RequestLimits& limits, Exchange& exchange) {
  const Route& route = *exchange.route;
  exchange.message.reset(google::protobuf::MessageFactory::generated_factory()
                             ->GetPrototype(route.method->input_type())
                             ->New());
  absl::Status built = BuildRequest({.captures = exchange.captures,
                                     .query = exchange.query,
                                     .body = exchange.request.body(),
                                     .body_field = route.body},
                                    exchange.message.get(), limits);
  if (!built.ok()) return AsClientWrote(route, FromGrpc(platform::ToGrpcStatus(built)));
  if (absl::Status allowed =
          platform::Authorize(route.access, exchange.principal, *exchange.message);
      !allowed.ok()) {
    return FromGrpc(platform::ToGrpcStatus(allowed));
  }
  return std::nullopt;
}

}  // namespace crm::gateway
