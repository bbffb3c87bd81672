#include "platform/testing/test_support.h"

#include <fcntl.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace crm::platform::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/crm-test-XXXXXX");
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    FAIL("mkdtemp failed for " << pattern);
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Sub(absl::string_view name) const { return absl::StrCat(path_, "/", name); }

std::unique_ptr<Store> OpenTestStore(const std::string& dir,
                                     const std::vector<std::string>& extra_cfs,
                                     absl::Duration lock_timeout) {
  auto store =
      Store::Open({.path = dir, .column_families = extra_cfs, .lock_timeout = lock_timeout});
  INFO("opening store at " << dir << ": " << store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (predicate()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return predicate();
}

double MetricValue(const Metrics& metrics, absl::string_view series) {
  return MetricValue(metrics.Scrape(), series);
}

double MetricValue(absl::string_view text, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    if (!absl::StartsWith(line, series) || line.size() <= series.size() ||
        line[series.size()] != ' ') {
      continue;
    }
    double value = 0;
    absl::string_view rest = line.substr(series.size() + 1);
    // A sample line may end with a timestamp; the value is the first field.
    rest = rest.substr(0, rest.find(' '));
    if (absl::SimpleAtod(rest, &value)) return value;
  }
  return -1;
}

InProcessServer::InProcessServer(const std::vector<grpc::Service*>& services) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  for (grpc::Service* service : services) builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  REQUIRE(server_ != nullptr);
  REQUIRE(port_ > 0);
}

InProcessServer::~InProcessServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

std::shared_ptr<grpc::Channel> InProcessServer::Channel() const {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                             grpc::InsecureChannelCredentials());
}

google::protobuf::FileDescriptorProto FileFromText(absl::string_view text) {
  google::protobuf::FileDescriptorProto file;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(std::string(text), &file));
  return file;
}

std::unique_ptr<google::protobuf::DescriptorPool> PoolWith(
    const google::protobuf::FileDescriptorProto& file) {
  auto pool = std::make_unique<google::protobuf::DescriptorPool>(
      google::protobuf::DescriptorPool::generated_pool());
  REQUIRE(pool->BuildFile(file) != nullptr);
  return pool;
}

std::string CaptureStderr(const std::function<void()>& fn) {
  TempDir dir;
  std::string path = dir.Sub("stderr");
  int file = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  REQUIRE(file >= 0);
  int saved = ::dup(STDERR_FILENO);
  ::dup2(file, STDERR_FILENO);
  ::close(file);
  fn();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<Runtime> OpenTestRuntime(const std::string& dir, absl::string_view service,
                                         const std::vector<std::string>& column_families,
                                         const Clock& clock, const KeyPair& keys,
                                         const KeyPair* service_keys) {
  std::string public_key = dir + "/token.pub";
  std::ofstream(public_key) << keys.public_pem;
  std::string service_key;
  if (service_keys != nullptr) {
    service_key = dir + "/service.key";
    std::ofstream(service_key) << service_keys->private_pem;
  }
  auto runtime = Runtime::Open(
      {.service = std::string(service),
       .data_dir = dir + "/db",
       // Never connected: the runtime is not started.
       .kafka_brokers = "127.0.0.1:9",
       .token_public_keys = absl::StrCat("crm/customers=", public_key, ",crm/gateway=", public_key),
       .service_private_key = service_key,
       .column_families = column_families,
       .clock = &clock});
  INFO(runtime.status().ToString());
  REQUIRE(runtime.ok());
  return *std::move(runtime);
}

std::vector<events::v1::OutboxRecord> OutboxEvents(const Store& store) {
  std::vector<events::v1::OutboxRecord> records;
  REQUIRE(store
              .Scan(store.cf(kOutboxCf), "", "",
                    [&](absl::string_view, absl::string_view value) {
                      events::v1::OutboxRecord record;
                      REQUIRE(record.ParseFromArray(value.data(), static_cast<int>(value.size())));
                      records.push_back(std::move(record));
                      return true;
                    })
              .ok());
  return records;
}

KeyPair NewEs256Keys() {
  auto pair = NewEs256KeyPair();
  REQUIRE(pair.ok());
  return *pair;
}

MockKafka::MockKafka(const std::vector<std::pair<std::string, int>>& topics) {
  // Only the mock cluster's own errors are worth seeing.
  auto cluster = MockCluster::Start({.brokers = 3, .log_level = 3});
  if (!cluster.ok()) FAIL(cluster.status().ToString());
  cluster_ = std::move(*cluster);
  bootstrap_ = cluster_->bootstrap();
  for (const auto& [topic, partitions] : topics) CreateTopic(topic, partitions);
}

MockKafka::~MockKafka() = default;

void MockKafka::CreateTopic(const std::string& topic, int partitions) {
  absl::Status created = cluster_->CreateTopic(topic, partitions);
  INFO("creating mock topic " << topic << ": " << created.ToString());
  REQUIRE(created.ok());
}

}  // namespace crm::platform::testing
