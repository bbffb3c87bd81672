#include "gateway/stages/answer.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/http/forwarded_headers.h"
#include "gateway/transcoding/response_writer.h"
#include "platform/base/errors.h"

namespace crm::gateway {

namespace http = boost::beast::http;

HttpResponse JsonAnswer(const HttpRequest& request, int status, std::string body,
                        const Cors& cors) {
  HttpResponse response(static_cast<http::status>(status), request.version());
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  cors.Decorate(request, response);
  return response;
}

HttpResponse ErrorAnswer(const HttpRequest& request, const HttpError& error,
                         const std::string& request_id, const Cors& cors) {
  HttpResponse response =
      JsonAnswer(request, error.http_status, ErrorJson(error, request_id), cors);
  auto retry = error.details.metadata().find("retryAfterSeconds");
  int64_t retry_seconds = 0;
  if (retry != error.details.metadata().end() && absl::SimpleAtoi(retry->second, &retry_seconds) &&
      retry_seconds >= 0) {
    response.set(http::field::retry_after, absl::StrCat(retry_seconds));
  } else if (error.http_status == 503) {
    response.set(http::field::retry_after, "1");
  }
  for (const auto& [name, value] : error.headers) response.set(name, value);
  return response;
}

HttpResponse Answer(const Route& route, const HttpRequest& request,
                    const google::protobuf::Message& reply, const std::string& request_id,
                    const Cors& cors) {
  if (route.success_code == 204) {
    HttpResponse response(http::status::no_content, request.version());
    cors.Decorate(request, response);
    return response;
  }
  auto json = ResponseJson(reply);
  if (!json.ok()) {
    return ErrorAnswer(request,
                       GatewayError(500, grpc::StatusCode::INTERNAL, platform::kReasonInternal,
                                    "the answer could not be written as JSON"),
                       request_id, cors);
  }
  HttpResponse response = JsonAnswer(request, route.success_code, std::move(*json), cors);
  // A service is trusted, but what becomes a header is still checked: no byte can split it.
  if (std::string etag = EtagOf(reply);
      !etag.empty() && PrintableAscii(etag) && etag.find('"') == std::string::npos) {
    response.set(http::field::etag, absl::StrCat("\"", etag, "\""));
  }
  if (route.success_code == 201 && route.location != nullptr) {
    if (auto location = ExpandPath(route.location->path.text(), reply)) {
      response.set(http::field::location, *location);
    }
  }
  return response;
}

}  // namespace crm::gateway
