#include "harness.h"

#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "http_client.h"
#include "platform/rpc/health_client.h"
#include "platform/rpc/service_tokens.h"

extern char** environ;

namespace crm::testing {

Process::Process(const std::string& binary, const std::vector<std::string>& args,
                 const std::string& log_path) {
  std::vector<std::string> argv_storage = {binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // The child must not inherit a blocked SIGTERM from a test that blocked it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error(absl::StrCat("cannot start ", binary));
}

Process::~Process() {
  if (running()) {
    Signal(SIGKILL);
    Wait();
  }
}

bool Process::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    status_ = status;
    return false;
  }
  return true;
}

void Process::Signal(int signal) {
  if (!reaped_) kill(pid_, signal);
}

int Process::Wait(absl::Duration timeout) {
  if (!WaitFor([&] { return !running(); }, timeout)) return -1;
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  return 128 + WTERMSIG(status_);
}

const TokenKeyFiles& TestTokenKeys() {
  static const TokenKeyFiles* keys = [] {
    static TempDir dir;  // lives as long as the test process
    auto pair = platform::testing::NewEs256Keys();
    auto* files = new TokenKeyFiles{dir.path() + "/token.key", dir.path() + "/token.pub"};
    std::ofstream(files->private_key) << pair.private_pem;
    std::ofstream(files->public_key) << pair.public_pem;
    auto partner = platform::testing::NewEs256Keys();
    files->partner_private_key = dir.path() + "/gateway.key";
    files->partner_public_key = dir.path() + "/gateway.pub";
    std::ofstream(files->partner_private_key) << partner.private_pem;
    std::ofstream(files->partner_public_key) << partner.public_pem;
    for (const char* service : {"customers", "orders", "aftersales", "analytics", "gateway"}) {
      auto own = platform::testing::NewEs256Keys();
      std::string base = dir.path() + "/svc-" + service;
      files->service_private_keys[service] = base + ".key";
      files->service_public_keys[service] = base + ".pub";
      std::ofstream(base + ".key") << own.private_pem;
      std::ofstream(base + ".pub") << own.public_pem;
    }
    return files;
  }();
  return *keys;
}

std::string TokenKeyFiles::trusted() const {
  std::string list = "crm/customers=" + public_key + ",crm/gateway=" + partner_public_key;
  for (const auto& [service, path] : service_public_keys) {
    absl::StrAppend(&list, ",", platform::ServiceIssuer(service), "=", path);
  }
  return list;
}

const MailerKeys& TestMailerKeys() {
  static const MailerKeys* keys = [] {
    static TempDir dir;
    auto* made = new MailerKeys{platform::SealedBoxKeys::Generate(), dir.path() + "/mailer.pub"};
    std::ofstream(made->public_key_file) << made->keys.PublicKeyBase64() << "\n";
    return made;
  }();
  return *keys;
}

const std::string& TestOrdersSecretsKeyFile() {
  static const std::string* file = [] {
    static TempDir dir;
    auto* path = new std::string(dir.path() + "/orders-secrets.key");
    std::ofstream(*path) << platform::SecretBox::NewKeyBase64() << "\n";
    return path;
  }();
  return *file;
}

std::string BinaryPath(const std::string& name) {
  static const std::map<std::string, std::string> kPaths = {
      {"crm-customers", CRM_CUSTOMERS_BIN}, {"crm-devbroker", CRM_DEVBROKER_BIN},
      {"crm-orders", CRM_ORDERS_BIN},       {"crm-aftersales", CRM_AFTERSALES_BIN},
      {"crm-analytics", CRM_ANALYTICS_BIN}, {"crm-gateway", CRM_GATEWAY_BIN}};
  return kPaths.at(name);
}

std::map<std::string, std::string> ReadFlatJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  std::map<std::string, std::string> fields;
  static const std::regex kField(R"re("([A-Za-z]+)"\s*:\s*("([^"]*)"|(-?[0-9]+)))re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kField);
       it != std::sregex_iterator(); ++it) {
    fields[(*it)[1]] = (*it)[3].matched ? (*it)[3].str() : (*it)[4].str();
  }
  return fields;
}

DevBroker::DevBroker(const std::string& dir) {
  std::string ready = dir + "/devbroker.ready.json";
  process_ = std::make_unique<Process>(BinaryPath("crm-devbroker"),
                                       std::vector<std::string>{"--ready-file", ready},
                                       dir + "/devbroker.log");
  if (!WaitFor([&] { return std::filesystem::exists(ready); }, absl::Seconds(20))) {
    throw std::runtime_error("dev broker did not start");
  }
  bootstrap_ = ReadFlatJson(ready)["bootstrap"];
}

void DevBroker::AllDown() { process_->Signal(SIGUSR1); }
void DevBroker::AllUp() { process_->Signal(SIGUSR2); }

Service::Service(std::string name, std::string dir, std::string brokers,
                 std::vector<std::string> extra_args)
    : name_(std::move(name)),
      dir_(std::move(dir)),
      brokers_(std::move(brokers)),
      extra_args_(std::move(extra_args)) {
  Start();
}

void Service::Start() {
  std::filesystem::remove(ready_file());
  std::vector<std::string> args = {"--data-dir",
                                   dir_ + "/" + name_ + ".data",
                                   "--kafka-brokers",
                                   brokers_,
                                   "--ready-file",
                                   ready_file(),
                                   "--token-public-keys",
                                   TestTokenKeys().trusted(),
                                   "--service-private-key",
                                   TestTokenKeys().service_private_keys.at(name_),
                                   "--dev-mode"};
  if (name_ == "customers") {
    args.insert(args.end(), {"--token-private-key", TestTokenKeys().private_key, "--admin-email",
                             kTestAdminEmail, "--admin-password", kTestAdminPassword,
                             "--mailer-public-key", TestMailerKeys().public_key_file});
  }
  if (name_ == "orders") {
    args.insert(args.end(), {"--secrets-key-file", TestOrdersSecretsKeyFile()});
  }
  if (name_ == "orders" && std::find(extra_args_.begin(), extra_args_.end(),
                                     "--customers-address") == extra_args_.end()) {
    // Orders needs the customers service only to place orders; a test that places none gives
    // it an address nothing listens on.
    args.insert(args.end(), {"--customers-address", "127.0.0.1:1"});
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  process_ =
      std::make_unique<Process>(BinaryPath("crm-" + name_), args, dir_ + "/" + name_ + ".log");
  if (!WaitFor([&] { return std::filesystem::exists(ready_file()) || !process_->running(); },
               absl::Seconds(20))) {
    throw std::runtime_error(name_ + " did not become ready");
  }
  auto fields = ReadFlatJson(ready_file());
  grpc_address_ = fields["grpc"];
  metrics_address_ = fields["metrics"];
  if (!WaitFor(
          [&] {
            auto serving = platform::CheckHealth(grpc_address_, absl::Milliseconds(500));
            return serving.ok() && *serving;
          },
          absl::Seconds(20))) {
    throw std::runtime_error(name_ + " did not answer SERVING");
  }
}

void Service::Kill(int signal) { process_->Signal(signal); }

std::shared_ptr<grpc::Channel> Service::Channel() const {
  return grpc::CreateChannel(grpc_address_, grpc::InsecureChannelCredentials());
}

std::string Service::Metrics() const { return HttpGet(metrics_address_, "/metrics"); }

double Service::Metric(const std::string& series) const { return MetricValue(Metrics(), series); }

Gateway::Gateway(std::string dir, std::string upstreams, std::vector<std::string> extra_args) {
  // The gateway starts only with an upstream for every area it routes. An area this test runs
  // no service for gets an address nothing listens on: its routes answer 503.
  for (const char* area : {"customers", "orders", "aftersales", "analytics"}) {
    if (!absl::StrContains(absl::StrCat(",", upstreams), absl::StrCat(",", area, "="))) {
      absl::StrAppend(&upstreams, ",", area, "=127.0.0.1:1");
    }
  }
  std::string ready = dir + "/gateway.ready.json";
  std::filesystem::remove(ready);
  std::vector<std::string> args = {
      "--port",       "0",   "--upstreams",         upstreams,
      "--ready-file", ready, "--token-public-keys", TestTokenKeys().trusted()};
  // Partner routes need the gateway's partner key and its service identity (to read partners'
  // secrets); a test may pass its own.
  auto given = [&](const std::string& flag) {
    return std::find(extra_args.begin(), extra_args.end(), flag) != extra_args.end();
  };
  if (!given("--partner-token-key")) {
    args.insert(args.end(), {"--partner-token-key", TestTokenKeys().partner_private_key});
  }
  if (!given("--service-private-key")) {
    args.insert(args.end(),
                {"--service-private-key", TestTokenKeys().service_private_keys.at("gateway")});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(BinaryPath("crm-gateway"), args, dir + "/gateway.log");
  if (!WaitFor([&] { return std::filesystem::exists(ready) || !process_->running(); },
               absl::Seconds(20)) ||
      !process_->running()) {
    throw std::runtime_error("gateway did not start; see " + dir + "/gateway.log");
  }
  address_ = ReadFlatJson(ready)["http"];
}

std::string HttpGet(const std::string& address, const std::string& path) {
  return HttpCall(address, "GET", path).body;
}

int PromtoolCheck(const std::string& text, std::string* output) {
  TempDir dir;
  std::string input = dir.path() + "/metrics.txt";
  std::ofstream(input) << text;
  std::string command = "promtool check metrics < " + input + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace crm::testing
