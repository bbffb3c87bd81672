// Real processes for tests that cross process boundaries: the dev broker and the services, each
// started from its built binary on free loopback ports (port 0, read back from its ready file),
// with its logs in the test's temp directory. Health is polled with a deadline; nothing sleeps
// to wait for readiness.
//
//   TempDir dir;
//   DevBroker broker(dir.path());
//   Service customers("customers", dir.path(), broker.bootstrap());
//   auto stub = crm::customers::v1::CustomersService::NewStub(customers.Channel());
//   customers.Kill(SIGKILL); customers.Start();   // same data dir, new ports
#pragma once

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "platform/auth/sealed_box.h"
#include "platform/testing/test_support.h"

namespace crm::testing {

using platform::testing::MetricValue;
using platform::testing::TempDir;
using platform::testing::WaitFor;

// The token keys every process of a test run shares: the customers service signs with the
// private one; every service and the gateway trust the public one for issuer "crm/customers",
// and every service's own key for its service tokens.
struct TokenKeyFiles {
  std::string private_key;
  std::string public_key;
  // The gateway's key pair for the tokens it makes for partners (issuer "crm/gateway").
  std::string partner_private_key;
  std::string partner_public_key;
  // Each service's own key pair for its service tokens (issuer "crm/svc/<service>"), by name;
  // "gateway" is the gateway's (it reads partners' secrets with it).
  std::map<std::string, std::string> service_private_keys;
  std::map<std::string, std::string> service_public_keys;
  // --token-public-keys for every process: customers', the gateway's and every service's.
  std::string trusted() const;
};
const TokenKeyFiles& TestTokenKeys();

// The mailer's key pair of a test run: customers seals password reset tokens for
// `public_key_file`; tests open them with `keys`.
struct MailerKeys {
  platform::SealedBoxKeys keys;
  std::string public_key_file;
};
const MailerKeys& TestMailerKeys();

// The key file every orders process of a test run seals carriers' secrets with.
const std::string& TestOrdersSecretsKeyFile();

// The first admin every customers process of a test run starts with.
inline constexpr char kTestAdminEmail[] = "admin@test.example";
inline constexpr char kTestAdminPassword[] = "test-admin-password";

// A child process with stdout and stderr in `log_path`.
class Process {
 public:
  Process(const std::string& binary, const std::vector<std::string>& args,
          const std::string& log_path);
  ~Process();  // SIGKILLs the process if it still runs
  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int signal);
  // Waits for the exit; answers the exit code, or 128+signal. -1 on timeout.
  int Wait(absl::Duration timeout = absl::Seconds(15));

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// The path of a built binary (crm-customers, crm-devbroker, ...).
std::string BinaryPath(const std::string& name);

// A JSON file's top-level string and number fields (ready files are flat).
std::map<std::string, std::string> ReadFlatJson(const std::string& path);

class DevBroker {
 public:
  explicit DevBroker(const std::string& dir);
  const std::string& bootstrap() const { return bootstrap_; }
  void AllDown();  // SIGUSR1
  void AllUp();    // SIGUSR2

 private:
  std::unique_ptr<Process> process_;
  std::string bootstrap_;
};

// One service process (crm-<name>) with its data directory under `dir`, in dev mode.
class Service {
 public:
  Service(std::string name, std::string dir, std::string brokers,
          std::vector<std::string> extra_args = {});
  // Starts the process and waits until it answers SERVING. Used again after Kill to restart
  // on the same data directory.
  void Start();
  void Kill(int signal);
  int Wait(absl::Duration timeout = absl::Seconds(15)) { return process_->Wait(timeout); }

  const std::string& grpc_address() const { return grpc_address_; }
  const std::string& metrics_address() const { return metrics_address_; }
  std::shared_ptr<grpc::Channel> Channel() const;
  // The /metrics text.
  std::string Metrics() const;
  // The value of the sample whose name and labels are exactly `series` (e.g.
  // `crm_timers_fired_total{kind="idempotency.expire"}`), or -1 when absent.
  double Metric(const std::string& series) const;
  std::string ready_file() const { return dir_ + "/" + name_ + ".ready.json"; }

 private:
  std::string name_, dir_, brokers_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<Process> process_;
  std::string grpc_address_, metrics_address_;
};

// crm-gateway in front of `upstreams` ("customers=127.0.0.1:5001,..."), on a free port. Areas
// missing from `upstreams` get an address nothing listens on (their routes answer 503).
class Gateway {
 public:
  Gateway(std::string dir, std::string upstreams, std::vector<std::string> extra_args = {});
  const std::string& address() const { return address_; }  // "127.0.0.1:port"
  void Kill(int signal) { process_->Signal(signal); }
  int Wait(absl::Duration timeout = absl::Seconds(15)) { return process_->Wait(timeout); }

 private:
  std::unique_ptr<Process> process_;
  std::string address_;
};

// GET http://<address><path>; the body, or "" when the server cannot be reached.
std::string HttpGet(const std::string& address, const std::string& path);

// Runs `promtool check metrics` on `text`; answers its exit code and puts its output in
// `output`. promtool comes from Debian's prometheus package, which ./crm installs.
int PromtoolCheck(const std::string& text, std::string* output);

}  // namespace crm::testing
