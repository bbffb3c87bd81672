#include "platform/base/flags.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::platform {
namespace {

// argv as a program receives it; argv[0] is the program.
class Args {
 public:
  Args(std::initializer_list<const char*> args) : args_(args) {}
  int argc() const { return static_cast<int>(args_.size()); }
  const char* const* argv() const { return args_.data(); }

 private:
  std::vector<const char*> args_;
};

// Sets (or, with nullptr, unsets) an environment variable for the scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old, had_ = true;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_.c_str(), old_.c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::string old_;
  bool had_ = false;
};

TEST_CASE("Flags read --name=value and --name value", "[flags]") {
  Args args{"crm-test", "--data-dir=/var/crm", "--port", "8080", "--verbose", "--name", "a=b"};
  Flags flags("flagtest", args.argc(), args.argv());
  CHECK(flags.String("data-dir", "", "where") == "/var/crm");
  CHECK(flags.Int("port", 1, "port", 0, 65535) == 8080);
  CHECK(flags.Bool("verbose", false, "chatty"));
  CHECK(flags.String("name", "", "a name") == "a=b");
  CHECK(flags.String("unset", "fallback", "defaulted") == "fallback");
  CHECK(flags.Int("count", 7, "defaulted", 0, 10) == 7);
  CHECK_FALSE(flags.Bool("quiet", false, "defaulted"));
  CHECK(flags.Finish().ok());
}

TEST_CASE("A flag followed by another flag is a bare boolean", "[flags]") {
  Args args{"crm-test", "--dev-mode", "--offset", "-5", "--check=false"};
  Flags flags("flagtest", args.argc(), args.argv());
  CHECK(flags.Bool("dev-mode", false, "dev"));
  CHECK(flags.Int("offset", 0, "negative values are values", -10, 10) == -5);
  CHECK_FALSE(flags.Bool("check", true, "explicitly off"));
  CHECK(flags.Finish().ok());
}

TEST_CASE("Flags fall back to CRM_<SERVICE>_<NAME> then CRM_<NAME> then the default", "[flags]") {
  ScopedEnv service_level("CRM_FLAGTEST_ZQ_DATA_DIR", "/from/service/env");
  ScopedEnv global_level("CRM_ZQ_DATA_DIR", "/from/global/env");
  ScopedEnv only_global("CRM_ZQ_OUTBOX_CAP", "500");
  ScopedEnv empty_service("CRM_FLAGTEST_ZQ_MODE", "");
  ScopedEnv fallback_mode("CRM_ZQ_MODE", "global-mode");
  ScopedEnv absent("CRM_FLAGTEST_ZQ_ABSENT", nullptr);
  ScopedEnv absent_global("CRM_ZQ_ABSENT", nullptr);

  {
    Args args{"crm-test"};
    Flags flags("flagtest", args.argc(), args.argv());
    CHECK(flags.String("zq-data-dir", "default", "dir") == "/from/service/env");
    CHECK(flags.Int("zq-outbox-cap", 1, "cap", 1, 1000) == 500);
    // An empty variable counts as unset.
    CHECK(flags.String("zq-mode", "default", "mode") == "global-mode");
    CHECK(flags.String("zq-absent", "default", "nothing anywhere") == "default");
    CHECK(flags.Finish().ok());
  }
  {
    // The command line wins over the environment.
    Args args{"crm-test", "--zq-data-dir", "/from/argv"};
    Flags flags("flagtest", args.argc(), args.argv());
    CHECK(flags.String("zq-data-dir", "default", "dir") == "/from/argv");
    CHECK(flags.Finish().ok());
  }
  {
    // Another service does not see this service's variable, only the global one.
    Args args{"crm-test"};
    Flags flags("otherservice", args.argc(), args.argv());
    CHECK(flags.String("zq-data-dir", "default", "dir") == "/from/global/env");
    CHECK(flags.Finish().ok());
  }
}

TEST_CASE("Finish reports unknown flags and bad values and missing required ones at once",
          "[flags]") {
  ScopedEnv no_env("CRM_FLAGTEST_ZQ_BROKERS", nullptr);
  ScopedEnv no_global("CRM_ZQ_BROKERS", nullptr);
  Args args{"crm-test", "--bogus=1", "--port=eighty", "--workers", "0", "--dev", "maybe", "stray"};
  Flags flags("flagtest", args.argc(), args.argv());
  CHECK(flags.Int("port", 9000, "port", 1, 65535) == 9000);  // bad value: the default
  CHECK(flags.Int("workers", 2, "threads", 1, 256) == 2);    // out of range: the default
  CHECK_FALSE(flags.Bool("dev", false, "dev mode"));
  CHECK(flags.RequiredString("zq-brokers", "kafka").empty());

  absl::Status s = flags.Finish();
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  std::string message(s.message());
  INFO(message);
  CHECK(message.find("unknown flag --bogus") != std::string::npos);
  CHECK(message.find("--port must be an integer in [1, 65535], got 'eighty'") != std::string::npos);
  CHECK(message.find("--workers must be an integer in [1, 256], got '0'") != std::string::npos);
  CHECK(message.find("--dev must be true or false, got 'maybe'") != std::string::npos);
  CHECK(message.find("--zq-brokers is required") != std::string::npos);
  CHECK(message.find("unexpected argument 'stray'") != std::string::npos);
}

TEST_CASE("A required flag given in the environment is satisfied", "[flags]") {
  ScopedEnv brokers("CRM_ZQ_BROKERS", "127.0.0.1:9092");
  Args args{"crm-test"};
  Flags flags("flagtest", args.argc(), args.argv());
  CHECK(flags.RequiredString("zq-brokers", "kafka") == "127.0.0.1:9092");
  CHECK(flags.Finish().ok());
}

TEST_CASE("Flags given --help answer FailedPrecondition with the usage of every flag", "[flags]") {
  Args args{"crm-test", "--help", "--bogus"};
  Flags flags("flagtest", args.argc(), args.argv());
  flags.String("data-dir", "/tmp/x", "RocksDB directory");
  flags.Int("outbox-cap", 100, "events waiting", 1, 1000);
  flags.RequiredString("brokers", "Kafka bootstrap servers");

  absl::Status s = flags.Finish();
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  std::string usage(s.message());
  INFO(usage);
  CHECK(usage.rfind("usage: crm-test", 0) == 0);
  CHECK(usage.find("--data-dir  RocksDB directory") != std::string::npos);
  CHECK(usage.find("CRM_FLAGTEST_DATA_DIR") != std::string::npos);
  CHECK(usage.find("CRM_DATA_DIR") != std::string::npos);
  CHECK(usage.find("default \"/tmp/x\"") != std::string::npos);
  CHECK(usage.find("--outbox-cap  events waiting [1..1000]") != std::string::npos);
  CHECK(usage.find("--brokers  Kafka bootstrap servers; required") != std::string::npos);
}

}  // namespace
}  // namespace crm::platform
