#include "platform/events/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <librdkafka/rdkafkacpp.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/base/log.h"

namespace crm::platform {
namespace {

LogLevel LevelOf(int syslog_level) {
  if (syslog_level <= 3) return LogLevel::kError;  // LOG_EMERG..LOG_ERR
  if (syslog_level == 4) return LogLevel::kWarning;
  if (syslog_level <= 6) return LogLevel::kInfo;  // LOG_NOTICE, LOG_INFO
  return LogLevel::kDebug;
}

// Called on librdkafka's threads, from C: must not throw.
void LogFromLibrdkafka(const rd_kafka_t*, int level, const char* facility, const char* text) {
  // The host handle has no bootstrap.servers on purpose (it connects nowhere itself); the
  // warning about that would only mislead whoever reads the log.
  if (std::strcmp(facility, "CONFWARN") == 0 && std::strstr(text, "bootstrap.servers") != nullptr) {
    return;
  }
  try {
    Log(LevelOf(level), text, {{"source", "librdkafka"}, {"facility", facility}});
  } catch (...) {
    // Losing a log line beats terminating the process from inside librdkafka.
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<MockCluster>> MockCluster::Start(MockClusterOptions options) {
  std::unique_ptr<MockCluster> cluster(new MockCluster(options));
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, LogFromLibrdkafka);
  if (rd_kafka_conf_set(conf, "client.id", "crm-mock-cluster", errstr, sizeof errstr) !=
          RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", absl::StrCat(options.log_level).c_str(), errstr,
                        sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("mock cluster configuration: ", errstr));
  }
  cluster->host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (cluster->host_ == nullptr) {
    rd_kafka_conf_destroy(conf);  // left with the caller on failure
    return absl::InternalError(absl::StrCat("mock cluster host client: ", errstr));
  }
  cluster->cluster_ = rd_kafka_mock_cluster_new(cluster->host_, options.brokers);
  if (cluster->cluster_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot make a mock Kafka cluster of ", options.brokers, " brokers"));
  }
  cluster->bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster->cluster_);
  return cluster;
}

MockCluster::~MockCluster() {
  // The cluster borrows the host handle, so it goes first.
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (host_ != nullptr) rd_kafka_destroy(host_);
}

absl::Status MockCluster::CreateTopic(const std::string& topic, int partitions,
                                      int replication_factor) {
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("cannot create topic ", topic, ": ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

absl::Status MockCluster::SetAllBrokersUp(bool up) {
  std::vector<std::string> failed;
  for (int32_t id = 1; id <= options_.brokers; ++id) {
    rd_kafka_resp_err_t err = up ? rd_kafka_mock_broker_set_up(cluster_, id)
                                 : rd_kafka_mock_broker_set_down(cluster_, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      failed.push_back(absl::StrCat("broker ", id, ": ", rd_kafka_err2str(err)));
    }
  }
  if (failed.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(up ? "brokers up failed (" : "brokers down failed (",
                                          absl::StrJoin(failed, "; "), ")"));
}

std::string MockCluster::ClusterId() const {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap_, err);
  conf->set("log_level", "3", err);
  std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), err));
  if (!client) return "";
  return client->clusterid(5000);
}

}  // namespace crm::platform
