#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crm::testing {
namespace {

int Connect(const std::string& address) {
  std::vector<std::string> parts = absl::StrSplit(address, ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{15, 0};  // a test never hangs on a silent server
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, parts[0].c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Parses one response at the front of `data` (Content-Length framed); false when incomplete.
bool ParseOne(std::string& data, HttpReply* reply) {
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::vector<std::string> lines = absl::StrSplit(data.substr(0, head_end), "\r\n");
  HttpReply r;
  std::vector<std::string> status_line = absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &r.status)) return false;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    r.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  size_t length = 0;
  if (!r.Header("content-length").empty() &&
      !absl::SimpleAtoi(r.Header("content-length"), &length)) {
    return false;
  }
  if (data.size() < head_end + 4 + length) return false;
  r.body = data.substr(head_end + 4, length);
  data.erase(0, head_end + 4 + length);
  *reply = std::move(r);
  return true;
}

}  // namespace

OpenConnection::OpenConnection(const std::string& address) : fd_(Connect(address)) {}
OpenConnection::~OpenConnection() {
  if (fd_ >= 0) close(fd_);
}

std::vector<HttpReply> HttpRaw(const std::string& address, const std::string& raw, int replies) {
  std::vector<HttpReply> out;
  int fd = Connect(address);
  if (fd < 0) return out;
  for (size_t sent = 0; sent < raw.size();) {
    ssize_t n = write(fd, raw.data() + sent, raw.size() - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string data;
  char buffer[16384];
  while (static_cast<int>(out.size()) < replies) {
    HttpReply reply;
    if (ParseOne(data, &reply)) {
      out.push_back(std::move(reply));
      continue;
    }
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

HttpReply HttpCall(const std::string& address, const std::string& method, const std::string& target,
                   const std::string& body, const Headers& headers) {
  std::string raw = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: ", address,
                                 "\r\nConnection: close\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&raw, name, ": ", value, "\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    absl::StrAppend(&raw, "Content-Length: ", body.size(), "\r\n");
  }
  absl::StrAppend(&raw, "\r\n", body);
  auto replies = HttpRaw(address, raw, 1);
  return replies.empty() ? HttpReply{} : replies.front();
}

}  // namespace crm::testing
