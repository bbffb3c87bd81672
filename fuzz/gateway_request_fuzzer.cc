// The gateway's request path: raw bytes from a client, parsed by Boost.Beast's request parser
// with the HTTP server's limits and framing check (gateway/http/http_server.cc), then
// GatewayHandler with the real routes, a real token verifier and a fake upstream that records
// the gRPC call it would make.
//
// Input: one HTTP/1.1 request; whatever follows it is the fake service's answer (none: OK with
// an empty message; else first byte % 17 is the gRPC code, the rest the serialized reply, or
// the binary error details when the code is not OK). In the request, "@ADMIN_TOKEN@",
// "@AGENT_TOKEN@" and "@CUSTOMER_TOKEN@" (customer c_fuzz) are replaced by tokens the verifier
// accepts, so that routes behind a login are reached too.
//
// Checked besides "no crash":
//   - every gRPC metadata key is a legal lower-case key and every value printable ASCII: the gRPC
//     library aborts the process on anything else;
//   - the call names a known method and its bytes parse as that method's request;
//   - the client gets exactly one answer, with a real status and no CR, LF or NUL in a header
//     (but ETag and Retry-After, which the service's answer sets).
#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "fuzz/fuzz_support.h"
#include "gateway/http/gateway_handler.h"
#include "gateway/http/http_server.h"
#include "gateway/openapi/openapi_document.h"
#include "gateway/routing/route_table.h"
#include "gateway/upstream/upstreams.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "platform/auth/tokens.h"
#include "platform/base/metrics.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using crm::gateway::HttpRequest;
using crm::gateway::HttpResponse;

bool LegalKey(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool PrintableAscii(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Stands in for the services: checks the call, then answers at once with `answer`.
class RecordingUpstreams : public crm::gateway::Upstreams {
 public:
  void Call(const std::string& area, const std::string& method, std::string request,
            absl::Duration deadline, const crm::platform::CallMetadata& metadata,
            std::function<void(crm::platform::RawReply)> done) override {
    ++calls;
    FUZZ_CHECK(!area.empty(), "a call without an area");
    FUZZ_CHECK(deadline > absl::ZeroDuration(), "a call without a deadline");
    for (const auto& [key, value] : metadata) {
      FUZZ_CHECK(LegalKey(key), absl::StrCat("illegal gRPC metadata key: ", key));
      // What grpc_validate_header_nonbin_value_is_legal checks; the library aborts otherwise.
      FUZZ_CHECK(PrintableAscii(value),
                 absl::StrCat("gRPC metadata '", key, "' has a value outside printable ASCII"));
    }
    FUZZ_CHECK(method.size() > 1 && method[0] == '/', "a method name not of the /pkg.Svc/M form");
    std::string full_name = method.substr(1);
    std::replace(full_name.begin(), full_name.end(), '/', '.');
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
    FUZZ_CHECK(descriptor != nullptr, absl::StrCat("a call to an unknown method ", method));
    std::unique_ptr<google::protobuf::Message> parsed(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(descriptor->input_type())
            ->New());
    FUZZ_CHECK(parsed->ParseFromString(request), "the request bytes do not parse");

    crm::platform::RawReply reply;
    if (!answer.empty()) {
      auto code = static_cast<grpc::StatusCode>(static_cast<uint8_t>(answer[0]) % 17);
      std::string rest = answer.substr(1);
      if (code == grpc::StatusCode::OK) {
        reply.bytes = std::move(rest);
      } else {
        reply.status = grpc::Status(code, "fuzzed upstream error", std::move(rest));
      }
    }
    done(std::move(reply));
  }

  std::string answer;
  int calls = 0;
};

struct World {
  crm::fuzz::KeyPair keys = crm::fuzz::NewEs256Keys();
  crm::platform::TokenVerifier verifier = Verifier();
  const crm::gateway::RouteTable& routes = crm::fuzz::RealRoutes();
  std::unique_ptr<crm::platform::Metrics> metrics = crm::platform::Metrics::InMemory();
  RecordingUpstreams upstreams;
  std::unique_ptr<crm::gateway::GatewayHandler> handler;
  crm::gateway::HttpServerOptions http;  // the server's default limits
  std::vector<std::pair<std::string, std::string>> tokens;

  World() {
    crm::gateway::GatewayOptions options;
    options.cors_origins = {"https://app.example"};
    options.openapi_json = crm::gateway::OpenApiDocument(routes, {.server_url = "/"});
    options.verifier = &verifier;
    // No rate limiter: its verdict depends on the inputs before, and an input must replay alone.
    handler = std::make_unique<crm::gateway::GatewayHandler>(routes, upstreams, *metrics, options);
    handler->SetReady(true);
    auto signer = crm::platform::TokenSigner::Create(
        {.private_key_pem = keys.private_pem, .issuer = "crm/customers"});
    FUZZ_CHECK(signer.ok(), "cannot make the token signer");
    absl::Time now = absl::Now();
    for (const auto& [placeholder, subject, role] :
         {std::tuple{"@ADMIN_TOKEN@", "s_fuzzadmin", "admin"},
          std::tuple{"@AGENT_TOKEN@", "s_fuzzagent", "agent"},
          std::tuple{"@CUSTOMER_TOKEN@", "c_fuzz", "customer"}}) {
      auto token = signer->Sign({.subject = subject,
                                 .role = role,
                                 .audience = "crm",
                                 .issued_at = now,
                                 .not_before = now,
                                 .expires_at = now + absl::Hours(24 * 365),
                                 .session_id = "fuzz-session"});
      FUZZ_CHECK(token.ok(), "cannot sign a token");
      tokens.emplace_back(placeholder, *token);
    }
  }

  crm::platform::TokenVerifier Verifier() const {
    auto v = crm::platform::TokenVerifier::Create(
        {.issuers = {{"crm/customers", keys.public_pem}}, .audience = "crm"});
    FUZZ_CHECK(v.ok(), "cannot make the verifier");
    return *v;
  }
};

World& TheWorld() {
  static World* world = [] {
    crm::fuzz::QuietLogs();
    return new World();
  }();
  return *world;
}

void CheckResponse(const HttpResponse& response) {
  int status = static_cast<int>(response.result_int());
  FUZZ_CHECK(status >= 100 && status <= 599, absl::StrCat("answered with status ", status));
  for (const auto& field : response) {
    // Copied from the service's answer as it is: the services are trusted to make these, and
    // the fake answers anything.
    if (field.name() == http::field::etag || field.name() == http::field::retry_after) continue;
    absl::string_view value(field.value().data(), field.value().size());
    FUZZ_CHECK(
        value.find_first_of(absl::string_view("\r\n\0", 3)) == absl::string_view::npos,
        absl::StrCat("response header ", std::string(field.name_string()), " holds CR, LF or NUL"));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  std::string input(reinterpret_cast<const char*>(data), size);
  if (input.find('@') != std::string::npos) input = absl::StrReplaceAll(input, world.tokens);

  // As HttpServer::Session: a fresh parser per request with the server's limits, the header
  // first and its framing checked (RefusedFraming), then the body. The loop is what Beast's
  // reads do with bytes as they arrive, then the client closing.
  http::request_parser<http::string_body> parser;
  parser.body_limit(world.http.max_body_bytes);
  parser.header_limit(static_cast<uint32_t>(world.http.max_header_bytes));
  beast::error_code ec;
  std::optional<HttpResponse> refused;
  size_t used = 0;
  while (!parser.is_done()) {
    size_t n = 0;
    if (used < input.size()) {
      bool had_header = parser.is_header_done();
      n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) ec = {};
      if (ec) break;
      if (!had_header && parser.is_header_done()) {
        refused = crm::gateway::RefusedFraming(parser.get(), *world.handler);
        if (refused) break;
      }
    }
    if (n == 0) {  // all there is was offered: the client closes
      parser.put_eof(ec);
      break;
    }
  }

  int answers = 0;
  HttpResponse last;
  auto respond = [&](HttpResponse response) {
    ++answers;
    last = std::move(response);
  };
  // As HttpServer::Session::OnRead.
  if (ec == http::error::end_of_stream) return 0;  // no request at all: the server closes
  if (refused) {
    respond(std::move(*refused));
  } else if (ec == http::error::body_limit) {
    // The limit is met once the header is read (or announced in it): the head goes along.
    respond(world.handler->Refuse(413, "BODY_TOO_LARGE", "too large", &parser.get()));
  } else if (ec == http::error::header_limit) {
    respond(world.handler->Refuse(431, "HEADERS_TOO_LARGE", "too large"));
  } else if (ec) {
    respond(
        world.handler->Refuse(400, "MALFORMED_REQUEST",
                              absl::StrCat("the request is not valid HTTP/1.1: ", ec.message())));
  } else {
    world.upstreams.answer = input.substr(used);
    world.upstreams.calls = 0;
    world.handler->Handle(parser.release(), "203.0.113.7:50123", respond);
    FUZZ_CHECK(world.upstreams.calls <= 1, "one request made several calls");
  }
  FUZZ_CHECK(answers == 1, absl::StrCat("answered ", answers, " times"));
  CheckResponse(last);
  return 0;
}
