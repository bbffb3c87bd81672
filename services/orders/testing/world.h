// The orders server main.cc serves, built by the same function (Server::Build) on a Runtime
// opened in a temporary directory (not started), its services served in-process, with a fake
// customers service answering checkout benefits. Calls are made with tokens of any role. For the
// orders service's tests only.
#pragma once

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "crm/api/v1/partner_secrets.grpc.pb.h"
#include "crm/customers/v1/loyalty.grpc.pb.h"
#include "crm/events/v1/envelope.pb.h"
#include "crm/orders/v1/carriers.grpc.pb.h"
#include "crm/orders/v1/orders.grpc.pb.h"
#include "crm/orders/v1/partners.grpc.pb.h"
#include "crm/orders/v1/products.grpc.pb.h"
#include "crm/orders/v1/shipments.grpc.pb.h"
#include "crm/orders/v1/stock.grpc.pb.h"
#include "orders/server.h"
#include "orders/store/column_families.h"
#include "platform/auth/sealed_box.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/base/ids.h"
#include "platform/base/proto_time.h"
#include "platform/testing/test_support.h"

namespace crm::orders::testing {

// The customers service as orders sees it at checkout: every customer is known (except
// "c_unknown") and has the tier set here; the authorization of each call is kept.
class FakeCustomers : public customers::v1::LoyaltyService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetCheckoutBenefits(
      grpc::CallbackServerContext* context,
      const customers::v1::GetCheckoutBenefitsRequest* request,
      customers::v1::CheckoutBenefits* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::MutexLock lock(&mu_);
    auto auth = context->client_metadata().find("authorization");
    authorizations_.push_back(auth == context->client_metadata().end()
                                  ? ""
                                  : std::string(auth->second.data(), auth->second.size()));
    if (request->customer_id() == "c_unknown") {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no customer with this id"));
      return reactor;
    }
    response->set_customer_id(request->customer_id());
    response->mutable_benefits()->set_tier(tier_);
    response->mutable_benefits()->set_free_express(tier_ >= customers::v1::TierBenefits::GOLD);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  void set_tier(customers::v1::TierBenefits::Tier tier) {
    absl::MutexLock lock(&mu_);
    tier_ = tier;
  }
  std::vector<std::string> authorizations() {
    absl::MutexLock lock(&mu_);
    return authorizations_;
  }

 private:
  absl::Mutex mu_;
  customers::v1::TierBenefits::Tier tier_ ABSL_GUARDED_BY(mu_) =
      customers::v1::TierBenefits::REGULAR;
  std::vector<std::string> authorizations_ ABSL_GUARDED_BY(mu_);
};

struct WorldOptions {
  // False: the customers service does not run (its address answers nothing).
  bool customers_up = true;
};

class World {
 public:
  explicit World(WorldOptions options = {}) {
    runtime_ = platform::testing::OpenTestRuntime(dir_.path(), "orders", kColumnFamilies, clock_,
                                                  keys_, &service_keys_);
    customers_server_ = std::make_unique<platform::testing::InProcessServer>(
        std::vector<grpc::Service*>{&customers_});
    Config config;
    // Port 1 on loopback: nothing listens, so calls fail at once as when the service is down.
    config.customers_address = options.customers_up ? customers_server_->address() : "127.0.0.1:1";
    config.secrets_key_file = dir_.Sub("secrets.key");
    std::ofstream(config.secrets_key_file) << platform::SecretBox::NewKeyBase64();
    REQUIRE(config.Check().ok());
    auto server = Server::Build(*runtime_, config);
    REQUIRE(server.ok());
    server_ = std::move(*server);
    grpc_ = std::make_unique<platform::testing::InProcessServer>(server_->services());
    products_ = v1::ProductService::NewStub(grpc_->Channel());
    stock_ = v1::StockService::NewStub(grpc_->Channel());
    orders_ = v1::OrderService::NewStub(grpc_->Channel());
    shipments_ = v1::ShipmentService::NewStub(grpc_->Channel());
    carriers_ = v1::CarrierService::NewStub(grpc_->Channel());
    partners_ = v1::PartnerService::NewStub(grpc_->Channel());
    partner_secrets_ = api::v1::PartnerSecretService::NewStub(grpc_->Channel());
  }

  // A client context with a token of `role` (subject "c_ann" for a customer, else "st_1", or
  // `subject` when given). A partner's (subject "partner:<carrier id>") is the gateway's.
  std::unique_ptr<grpc::ClientContext> As(const std::string& role,
                                          const std::string& subject = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    auto signer = platform::TokenSigner::Create(
        {.private_key_pem = keys_.private_pem,
         .issuer = role == "partner" ? "crm/gateway" : "crm/customers"});
    REQUIRE(signer.ok());
    std::string sub = !subject.empty() ? subject : role == "customer" ? "c_ann" : "st_1";
    auto token = signer->Sign({.subject = sub,
                               .role = role,
                               .audience = "crm",
                               .issued_at = clock_.Now(),
                               .not_before = clock_.Now(),
                               .expires_at = clock_.Now() + absl::Minutes(5)});
    REQUIRE(token.ok());
    context->AddMetadata("authorization", "Bearer " + *token);
    return context;
  }

  // An admin puts carrier `id` with `secret`.
  void Carrier(const std::string& id, const std::string& secret) {
    v1::PutCarrierRequest request;
    request.set_carrier_id(id);
    request.mutable_carrier()->set_name("Carrier " + id);
    request.mutable_carrier()->add_signing_secrets(secret);
    v1::Carrier out;
    grpc::Status status = carriers_->PutCarrier(As("admin").get(), request, &out);
    INFO(status.error_message());
    REQUIRE(status.ok());
  }
  // An agent hands `shipment_id` to `carrier` with `tracking`.
  grpc::Status Assign(const std::string& shipment_id, const std::string& carrier,
                      const std::string& tracking, v1::Shipment* out) {
    v1::AssignShipmentRequest request;
    request.set_shipment_id(shipment_id);
    request.set_carrier_id(carrier);
    request.set_tracking_number(tracking);
    return shipments_->AssignShipment(As("agent").get(), request, out);
  }
  // `carrier` pushes `events`; answers the results.
  grpc::Status Track(const std::string& carrier, const std::vector<v1::TrackingEvent>& events,
                     v1::PostTrackingEventsResponse* out) {
    v1::PostTrackingEventsRequest request;
    request.set_carrier_id(carrier);
    for (const v1::TrackingEvent& e : events) *request.add_events() = e;
    return partners_->PostTrackingEvents(As("partner", "partner:" + carrier).get(), request, out);
  }
  // The shipment as an agent reads it.
  v1::Shipment ReadShipment(const std::string& id) {
    v1::GetShipmentRequest request;
    request.set_shipment_id(id);
    v1::Shipment s;
    REQUIRE(shipments_->GetShipment(As("agent").get(), request, &s).ok());
    return s;
  }
  v1::Order ReadOrder(const std::string& id) {
    v1::GetOrderRequest request;
    request.set_order_id(id);
    v1::Order o;
    REQUIRE(orders_->GetOrder(As("agent").get(), request, &o).ok());
    return o;
  }

  // Applies `event` as the consumer would (another service's event about orders), committed.
  absl::Status Apply(const google::protobuf::Message& event) {
    events::v1::EventEnvelope envelope;
    envelope.set_id(platform::NewUuid());
    envelope.set_type(event.GetTypeName());
    envelope.mutable_payload()->PackFrom(event);
    auto txn = runtime_->store().Begin();
    absl::Status applied = server_->after_sales().Apply(*txn, envelope);
    if (!applied.ok()) return applied;
    return txn->Commit();
  }

  v1::ProductService::Stub& products() { return *products_; }
  v1::CarrierService::Stub& carriers() { return *carriers_; }
  v1::PartnerService::Stub& partners() { return *partners_; }
  api::v1::PartnerSecretService::Stub& partner_secrets() { return *partner_secrets_; }
  v1::StockService::Stub& stock() { return *stock_; }
  v1::OrderService::Stub& orders() { return *orders_; }
  v1::ShipmentService::Stub& shipments() { return *shipments_; }
  FakeCustomers& customers() { return customers_; }
  platform::ManualClock& clock() { return clock_; }
  platform::Runtime& runtime() { return *runtime_; }

  // Admin helpers for the price list and stock; each REQUIREs success.
  void Product(const std::string& sku, int64_t price_cents,
               std::optional<absl::Time> release_at = std::nullopt) {
    v1::PutProductRequest request;
    request.set_sku(sku);
    request.mutable_product()->set_name("Product " + sku);
    request.mutable_product()->set_price_cents(price_cents);
    request.mutable_product()->set_currency("EUR");
    request.mutable_product()->set_returnable(true);
    if (release_at)
      *request.mutable_product()->mutable_release_at() = platform::ToTimestamp(*release_at);
    v1::Product out;
    grpc::Status status = products_->PutProduct(As("admin").get(), request, &out);
    INFO(status.error_message());
    REQUIRE(status.ok());
  }
  void Warehouse(const std::string& id, const std::string& region) {
    v1::PutWarehouseRequest request;
    request.set_warehouse_id(id);
    request.mutable_warehouse()->set_name("Hub " + id);
    request.mutable_warehouse()->set_region(region);
    v1::Warehouse out;
    REQUIRE(stock_->PutWarehouse(As("admin").get(), request, &out).ok());
  }
  v1::Stock Stock(const std::string& warehouse, const std::string& sku, int64_t on_hand,
                  std::optional<absl::Time> restock_at = std::nullopt) {
    v1::PutStockRequest request;
    request.set_warehouse_id(warehouse);
    request.set_sku(sku);
    request.mutable_stock()->set_on_hand(on_hand);
    if (restock_at)
      *request.mutable_stock()->mutable_restock_at() = platform::ToTimestamp(*restock_at);
    v1::Stock out;
    grpc::Status status = stock_->PutStock(As("admin").get(), request, &out);
    INFO(status.error_message());
    REQUIRE(status.ok());
    return out;
  }
  // The stock of `sku` at `warehouse` as staff read it.
  v1::Stock StockAt(const std::string& warehouse, const std::string& sku) {
    v1::GetStockRequest request;
    request.set_sku(sku);
    v1::StockLevels levels;
    REQUIRE(stock_->GetStock(As("admin").get(), request, &levels).ok());
    for (const v1::Stock& s : levels.warehouses()) {
      if (s.warehouse_id() == warehouse) return s;
    }
    FAIL("no stock of " << sku << " at " << warehouse);
    return {};
  }

  // Places `request` as `role` with an Idempotency-Key.
  grpc::Status Place(const v1::PlaceOrderRequest& request, v1::Order* out,
                     const std::string& role = "customer", const std::string& key = "k-1",
                     const std::string& subject = "") {
    auto context = As(role, subject);
    if (!key.empty()) context->AddMetadata("idempotency-key", key);
    return orders_->PlaceOrder(context.get(), request, out);
  }

 private:
  platform::testing::TempDir dir_;
  platform::ManualClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  platform::testing::KeyPair keys_ = platform::testing::NewEs256Keys();
  platform::testing::KeyPair service_keys_ = platform::testing::NewEs256Keys();
  FakeCustomers customers_;
  std::unique_ptr<platform::testing::InProcessServer> customers_server_;
  std::unique_ptr<platform::Runtime> runtime_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<platform::testing::InProcessServer> grpc_;
  std::unique_ptr<v1::ProductService::Stub> products_;
  std::unique_ptr<v1::StockService::Stub> stock_;
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::ShipmentService::Stub> shipments_;
  std::unique_ptr<v1::CarrierService::Stub> carriers_;
  std::unique_ptr<v1::PartnerService::Stub> partners_;
  std::unique_ptr<api::v1::PartnerSecretService::Stub> partner_secrets_;
};

// An order of `lines` ("SKU", quantity) by c_ann to the north region, cash on delivery,
// standard speed, SHIP_WHEN_READY unless said.
inline v1::PlaceOrderRequest OrderOf(const std::vector<std::pair<std::string, int>>& lines,
                                     v1::Order::SplitPolicy policy = v1::Order::SHIP_WHEN_READY) {
  v1::PlaceOrderRequest r;
  r.set_customer_id("c_ann");
  for (const auto& [sku, quantity] : lines) {
    v1::OrderLine* line = r.add_lines();
    line->set_sku(sku);
    line->set_quantity(quantity);
  }
  r.set_currency("EUR");
  v1::ShippingAddress* a = r.mutable_shipping_address();
  a->set_recipient("Ann Example");
  a->set_line1("Main Street 1");
  a->set_city("Hamburg");
  a->set_region("north");
  a->set_postal_code("20095");
  a->set_country("DE");
  r.set_payment_method(v1::Order::CASH_ON_DELIVERY);
  r.mutable_delivery()->set_speed(v1::Delivery::STANDARD);
  r.set_split_policy(policy);
  return r;
}

}  // namespace crm::orders::testing
