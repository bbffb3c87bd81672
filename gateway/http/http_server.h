// The gateway's HTTP/1.1 server on Boost.Beast/Asio: one io_context per thread (per core by
// default), keep-alive and pipelined requests answered in order, and the limits that protect
// it: body size (413), header size (431), read and idle timeouts, open connections (503).
// It parses and writes; what a request means is the RequestHandler's business.
//
//   HttpServer server({.address = "127.0.0.1", .port = 8080}, gateway);
//   if (auto s = server.Start(); !s.ok()) ...;
//   ...
//   server.Stop(absl::Seconds(5));
//
// Thread-safe.
#pragma once

#include <atomic>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace boost::asio {
class io_context;
}

namespace crm::gateway {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Answers `request` by calling `respond` exactly once, from any thread, now or later; it must
  // not block. `peer` is the client's "ip:port".
  virtual void Handle(HttpRequest request, const std::string& peer,
                      std::function<void(HttpResponse)> respond) = 0;
  // The answer to a request the server refuses before any handling (413, 431, 400, 501, 503).
  // `head`: the request's header when it was read (413, 501), so that its X-Request-Id is
  // echoed; nullptr when it was not (431, a malformed request, 503).
  virtual HttpResponse Refuse(int http_status, absl::string_view reason, absl::string_view message,
                              const HttpRequest* head = nullptr) = 0;
};

// The answer the server gives, closing the connection, to a request whose header it has read
// but whose body it will not read: 501 for a Transfer-Encoding other than "chunked", 400 for
// chunked with Content-Length. nullopt when the body can be read.
std::optional<HttpResponse> RefusedFraming(const HttpRequest& request, RequestHandler& handler);

struct HttpServerOptions {
  // Listen address. Default 127.0.0.1.
  std::string address = "127.0.0.1";
  // Listen port; 0 picks a free one (see port()). Default 8080.
  int port = 8080;
  // io_context threads. Default 0: one per core.
  int threads = 0;
  // Largest request body, bytes; larger: 413. Default 1 MiB.
  size_t max_body_bytes = 1 << 20;
  // Largest request line plus headers, bytes; larger: 431. Default 16 KiB.
  size_t max_header_bytes = 16 << 10;
  // Time to receive a whole request once it started. Default 10 s.
  absl::Duration read_timeout = absl::Seconds(10);
  // Time a keep-alive connection may wait for its next request. Default 60 s.
  absl::Duration idle_timeout = absl::Seconds(60);
  // Time to write a response. Default 10 s.
  absl::Duration write_timeout = absl::Seconds(10);
  // Connections open at once; more are answered 503 and closed. Default 10000.
  int max_connections = 10000;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler& handler);
  ~HttpServer();

  // Binds and starts serving. Errors: UNAVAILABLE when the address cannot be bound.
  absl::Status Start();
  // The bound port.
  int port() const { return port_; }
  int open_connections() const { return connections_.load(); }
  // Stops accepting, lets requests in progress finish for up to `grace`, then stops.
  void Stop(absl::Duration grace);

 private:
  class Listener;
  class Session;
  friend class Session;

  const HttpServerOptions options_;
  RequestHandler& handler_;
  // Before the contexts: sessions freed with a context still count themselves out.
  std::atomic<int> connections_{0};
  std::atomic<int> in_flight_{0};
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  int port_ = 0;
};

}  // namespace crm::gateway
