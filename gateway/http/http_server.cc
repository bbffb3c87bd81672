#include "gateway/http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/errors/reasons.h"
#include "platform/base/log.h"

namespace crm::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::chrono::steady_clock::duration Chrono(absl::Duration d) {
  return std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

}  // namespace

// RFC 9112 6.1: a request whose Transfer-Encoding is not just "chunked" cannot be framed safely
// (read as an empty body, the rest would parse as a second, smuggled request), and chunked
// together with Content-Length is ambiguous.
std::optional<HttpResponse> RefusedFraming(const HttpRequest& request, RequestHandler& handler) {
  auto [first, last] = request.equal_range(http::field::transfer_encoding);
  if (first == last) return std::nullopt;
  std::string codings;
  for (auto it = first; it != last; ++it) {
    absl::StrAppend(&codings, codings.empty() ? "" : ",",
                    absl::string_view(it->value().data(), it->value().size()));
  }
  if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(codings), "chunked")) {
    return handler.Refuse(501, kReasonTransferEncodingUnsupported,
                          "only Transfer-Encoding: chunked is supported", &request);
  }
  if (request.count(http::field::content_length) > 0) {
    return handler.Refuse(400, kReasonMalformedRequest,
                          "Transfer-Encoding and Content-Length are both present", &request);
  }
  return std::nullopt;
}

// One connection: read a request, hand it over, write the answer, then the next request (a
// pipelined one may already be in the buffer: answers keep the order of requests).
class HttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer& server)
      : stream_(std::move(socket)), server_(server), options_(server.options_) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = absl::StrCat(endpoint.address().to_string(), ":", endpoint.port());
  }
  ~Session() { --server_.connections_; }

  void Start(bool refuse) {
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), refuse] {
      if (refuse) {
        self->Send(self->server_.handler_.Refuse(503, kReasonTooManyConnections,
                                                 "the gateway is at its connection limit"),
                   /*close=*/true);
      } else {
        self->Read(self->options_.read_timeout);
      }
    });
  }

 private:
  void Read(absl::Duration timeout) {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    stream_.expires_after(Chrono(timeout));
    // The header first: how the body is framed is decided before any of it is read.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnRead(ec, 0);
    if (auto refused = RefusedFraming(parser_->get(), server_.handler_)) {
      return Send(std::move(*refused), true);
    }
    // The whole request within the read timeout that started with its first byte.
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == beast::error::timeout) {
      return Close();
    }
    RequestHandler& handler = server_.handler_;
    if (ec == http::error::body_limit) {
      // The header was read (the limit is met while reading or announcing the body): its
      // X-Request-Id is echoed.
      return Send(handler.Refuse(413, kReasonBodyTooLarge,
                                 absl::StrCat("the request body is larger than ",
                                              options_.max_body_bytes, " bytes"),
                                 &parser_->get()),
                  true);
    }
    if (ec == http::error::header_limit) {
      return Send(handler.Refuse(431, kReasonHeadersTooLarge,
                                 absl::StrCat("the request headers are larger than ",
                                              options_.max_header_bytes, " bytes")),
                  true);
    }
    if (ec) {
      return Send(handler.Refuse(400, kReasonMalformedRequest,
                                 absl::StrCat("the request is not valid HTTP/1.1: ", ec.message())),
                  true);
    }
    HttpRequest request = parser_->release();
    bool close = !request.keep_alive();
    ++server_.in_flight_;
    handler.Handle(std::move(request), peer_,
                   [self = shared_from_this(), close](HttpResponse response) mutable {
                     // Back to this connection's thread: the socket is not thread-safe. The
                     // session goes along, so that whoever keeps this callback after the answer
                     // (a handler's closure on a gRPC thread) no longer keeps the session, which
                     // must be freed with its context, never after the server is gone.
                     auto executor = self->stream_.get_executor();
                     net::post(executor, [self = std::move(self), close,
                                          response = std::move(response)]() mutable {
                       --self->server_.in_flight_;
                       self->Send(std::move(response), close);
                     });
                   });
  }

  void Send(HttpResponse response, bool close) {
    response_ = std::make_unique<HttpResponse>(std::move(response));
    response_->keep_alive(!close);
    response_->prepare_payload();
    stream_.expires_after(Chrono(options_.write_timeout));
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), close](beast::error_code ec, size_t) {
                        if (ec || close) return self->Close();
                        self->Read(self->options_.idle_timeout);
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  HttpServer& server_;
  const HttpServerOptions& options_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  std::string peer_;
};

// Accepts connections and spreads them over the io_contexts, round robin.
class HttpServer::Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(HttpServer& server, net::io_context& context) : server_(server), acceptor_(context) {}

  beast::error_code Listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    return ec;
  }
  int port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    auto& context = *server_.contexts_[next_++ % server_.contexts_.size()];
    acceptor_.async_accept(net::make_strand(context),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // closed: stop accepting
    if (!ec) {
      bool refuse = ++server_.connections_ > server_.options_.max_connections;
      std::make_shared<Session>(std::move(socket), server_)->Start(refuse);
    }
    Accept();
  }

  HttpServer& server_;
  tcp::acceptor acceptor_;
  size_t next_ = 0;
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler& handler)
    : options_(std::move(options)), handler_(handler) {
  int threads = options_.threads > 0
                    ? options_.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<net::io_context>(1));
}

HttpServer::~HttpServer() { Stop(absl::ZeroDuration()); }

absl::Status HttpServer::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(options_.address, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad address ", options_.address));
  listener_ = std::make_shared<Listener>(*this, *contexts_[0]);
  ec = listener_->Listen(tcp::endpoint(address, static_cast<uint16_t>(options_.port)));
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.address, ":",
                                               options_.port, ": ", ec.message()));
  }
  port_ = listener_->port();
  listener_->Accept();
  for (auto& context : contexts_) {
    threads_.emplace_back([&context] {
      auto guard = net::make_work_guard(*context);
      context->run();
    });
  }
  return absl::OkStatus();
}

void HttpServer::Stop(absl::Duration grace) {
  if (threads_.empty()) return;
  listener_->Close();
  absl::Time deadline = absl::Now() + grace;
  while (in_flight_.load() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  for (auto& context : contexts_) context->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace crm::gateway
