#include "platform/base/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

TEST_CASE("JsonQuote quotes and escapes", "[log]") {
  CHECK(JsonQuote("") == "\"\"");
  CHECK(JsonQuote("plain text") == "\"plain text\"");
  CHECK(JsonQuote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(JsonQuote("C:\\dir\\") == "\"C:\\\\dir\\\\\"");
  CHECK(JsonQuote("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
  CHECK(JsonQuote(absl::string_view("\0\x01\x1f", 3)) == "\"\\u0000\\u0001\\u001f\"");
  // Printable ASCII and UTF-8 pass through untouched.
  CHECK(JsonQuote("caf\xc3\xa9 \xe2\x82\xac ~") == "\"caf\xc3\xa9 \xe2\x82\xac ~\"");
}

TEST_CASE("ParseLogLevel knows the four levels", "[log]") {
  LogLevel level = LogLevel::kInfo;
  CHECK(ParseLogLevel("debug", &level));
  CHECK(level == LogLevel::kDebug);
  CHECK(ParseLogLevel("warning", &level));
  CHECK(level == LogLevel::kWarning);
  CHECK(ParseLogLevel("error", &level));
  CHECK(level == LogLevel::kError);
  CHECK(ParseLogLevel("info", &level));
  CHECK(level == LogLevel::kInfo);
  CHECK_FALSE(ParseLogLevel("verbose", &level));
  CHECK(level == LogLevel::kInfo);
}

TEST_CASE("Log writes one JSON line per call at or above the level", "[log]") {
  std::string out = testing::CaptureStderr([] {
    SetLogService("logtest");
    SetLogLevel(LogLevel::kWarning);
    LogInfo("dropped below the level");
    LogWarning("disk \"almost\" full", {{"path", "/var/crm\n"}, {"free", "3"}});
    LogError("gone");
    SetLogLevel(LogLevel::kInfo);
    SetLogService("crm");
  });
  INFO(out);
  CHECK(out.find("dropped") == std::string::npos);
  std::istringstream lines(out);
  std::string first, second, third;
  REQUIRE(std::getline(lines, first));
  REQUIRE(std::getline(lines, second));
  CHECK_FALSE(std::getline(lines, third));

  CHECK(first.rfind("{\"ts\":\"", 0) == 0);
  CHECK(first.back() == '}');
  CHECK(first.find("\"level\":\"warning\",\"service\":\"logtest\","
                   "\"msg\":\"disk \\\"almost\\\" full\",\"path\":\"/var/crm\\n\","
                   "\"free\":\"3\"}") != std::string::npos);
  CHECK(second.find("\"level\":\"error\"") != std::string::npos);
  CHECK(second.find("\"msg\":\"gone\"}") != std::string::npos);
}

}  // namespace
}  // namespace crm::platform
