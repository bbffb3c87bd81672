// A small blocking HTTP/1.1 client for tests: one request per connection (Connection: close),
// or several pipelined on one connection.
//
//   HttpReply r = HttpCall("127.0.0.1:8080", "POST", "/v1/customers", body,
//                          {{"Content-Type", "application/json"}});
//   r.status == 201; r.Header("location"); r.body
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace crm::testing {

struct HttpReply {
  int status = 0;                              // 0: no answer (connection refused or closed)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// A TCP connection held open (and idle) for its lifetime.
class OpenConnection {
 public:
  explicit OpenConnection(const std::string& address);
  ~OpenConnection();
  bool connected() const { return fd_ >= 0; }

 private:
  int fd_;
};

HttpReply HttpCall(const std::string& address, const std::string& method, const std::string& target,
                   const std::string& body = "", const Headers& headers = {});

// Sends `raw` as is on one connection and reads until the server closes it or `replies` answers
// arrived; for pipelining and malformed-request tests.
std::vector<HttpReply> HttpRaw(const std::string& address, const std::string& raw, int replies);

}  // namespace crm::testing
