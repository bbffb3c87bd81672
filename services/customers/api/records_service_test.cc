// What a customer owns, through real stubs: addresses (AddressService), the wishlist and the
// recently viewed products (EngagementService), and erasure (PrivacyService). The If-Match
// preconditions of the deletes, and the pages of every list.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "customers/api/address_service.h"
#include "customers/api/customers_service.h"
#include "customers/api/engagement_service.h"
#include "customers/api/interaction_service.h"
#include "customers/api/loyalty_service.h"
#include "customers/api/privacy_service.h"
#include "customers/api/test_fixture.h"
#include "platform/store/owned_records.h"

namespace crm::customers {
namespace {

using testing::Describe;
using testing::Fields;
using testing::Prepare;
using testing::Reason;

// Every handler a customer's records need, on real platform pieces (testing::World), served
// in-process. Tokens are signed directly (no sessions), like customers_service_test.
class Server {
 public:
  Server() {
    customers_service_ = std::make_unique<CustomersService>(world_.CustomersDeps(workers_));
    loyalty_ = std::make_unique<LoyaltyService>(world_.LoyaltyDeps(workers_));
    addresses_ =
        std::make_unique<AddressService>(AddressServiceDeps{.customers = *world_.customers,
                                                            .addresses = address_records_,
                                                            .clock = world_.clock,
                                                            .rpc = Rpc<v1::AddressService>()});
    engagement_ = std::make_unique<EngagementService>(
        EngagementServiceDeps{.store = *world_.store,
                              .customers = *world_.customers,
                              .wishlist = wishlist_records_,
                              .outbox = *world_.outbox,
                              .clock = world_.clock,
                              .rpc = Rpc<v1::EngagementService>()});
    interactions_ = std::make_unique<InteractionService>(
        InteractionServiceDeps{.customers = *world_.customers,
                               .interactions = interaction_records_,
                               .outbox = *world_.outbox,
                               .clock = world_.clock,
                               .rpc = Rpc<v1::InteractionService>()});
    privacy_ =
        std::make_unique<PrivacyService>(PrivacyServiceDeps{.customers = *world_.customers,
                                                            .index = *world_.index,
                                                            .sessions = *world_.sessions,
                                                            .loyalty_store = *world_.loyalty,
                                                            .addresses = address_records_,
                                                            .interactions = interaction_records_,
                                                            .engagement = *engagement_,
                                                            .profiles = *customers_service_,
                                                            .loyalty = *loyalty_,
                                                            .interaction_reader = *interactions_,
                                                            .outbox = *world_.outbox,
                                                            .clock = world_.clock,
                                                            .rpc = Rpc<v1::PrivacyService>()});
    server_ = std::make_unique<platform::testing::InProcessServer>(std::vector<grpc::Service*>{
        customers_service_.get(), addresses_.get(), engagement_.get(), privacy_.get()});
    customers_stub_ = v1::CustomersService::NewStub(server_->Channel());
    address_stub_ = v1::AddressService::NewStub(server_->Channel());
    engagement_stub_ = v1::EngagementService::NewStub(server_->Channel());
    privacy_stub_ = v1::PrivacyService::NewStub(server_->Channel());
  }

  // A call's context as `customer_id`, with `if_match` unless empty.
  std::unique_ptr<grpc::ClientContext> As(const std::string& customer_id,
                                          const std::string& if_match = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    Prepare(*context, world_.SignedToken(customer_id, "customer"));
    if (!if_match.empty()) context->AddMetadata("if-match", if_match);
    return context;
  }

  grpc::Status GetCustomer(const std::string& id, v1::Customer* out) {
    v1::GetCustomerRequest request;
    request.set_customer_id(id);
    return customers_stub_->GetCustomer(As(id).get(), request, out);
  }

  grpc::Status Erase(const std::string& id, const std::string& if_match) {
    v1::EraseCustomerRequest request;
    request.set_customer_id(id);
    v1::EraseCustomerResponse out;
    return privacy_stub_->EraseCustomer(As(id, if_match).get(), request, &out);
  }

  v1::Address AddAddress(const std::string& id, const std::string& city) {
    v1::CreateAddressRequest request;
    request.set_customer_id(id);
    v1::Address& a = *request.mutable_address();
    a.set_recipient("Ann Example");
    a.set_line1("1 Main Street");
    a.set_city(city);
    a.set_postal_code("10115");
    a.set_country("DE");
    v1::Address out;
    grpc::Status s = address_stub_->CreateAddress(As(id).get(), request, &out);
    INFO(Describe(s));
    REQUIRE(s.ok());
    // Apart in time, so the order (oldest first) is the order of creation.
    world_.clock.Advance(absl::Seconds(1));
    return out;
  }

  grpc::Status DeleteAddress(const std::string& id, const std::string& address_id,
                             const std::string& if_match) {
    v1::DeleteAddressRequest request;
    request.set_customer_id(id);
    request.set_address_id(address_id);
    v1::DeleteAddressResponse out;
    return address_stub_->DeleteAddress(As(id, if_match).get(), request, &out);
  }

  grpc::Status ListAddresses(const std::string& id, int page_size, const std::string& token,
                             v1::ListAddressesResponse* out) {
    return address_stub_->ListAddresses(As(id).get(),
                                        Page<v1::ListAddressesRequest>(id, page_size, token), out);
  }

  void AddToWishlist(const std::string& id, const std::string& sku) {
    v1::AddToWishlistRequest request;
    request.set_customer_id(id);
    request.set_sku(sku);
    v1::WishlistItem out;
    REQUIRE(engagement_stub_->AddToWishlist(As(id).get(), request, &out).ok());
    world_.clock.Advance(absl::Seconds(1));
  }

  grpc::Status ListWishlist(const std::string& id, int page_size, const std::string& token,
                            v1::ListWishlistResponse* out) {
    return engagement_stub_->ListWishlist(As(id).get(),
                                          Page<v1::ListWishlistRequest>(id, page_size, token), out);
  }

  // Views are recorded without moving the clock: the list's own order must hold.
  void View(const std::string& id, const std::string& sku) {
    v1::RecordViewRequest request;
    request.set_customer_id(id);
    request.set_sku(sku);
    v1::RecentViews out;
    REQUIRE(engagement_stub_->RecordView(As(id).get(), request, &out).ok());
  }

  grpc::Status ListViews(const std::string& id, int page_size, const std::string& token,
                         v1::ListViewsResponse* out) {
    return engagement_stub_->ListViews(As(id).get(),
                                       Page<v1::ListViewsRequest>(id, page_size, token), out);
  }

  testing::World& world() { return world_; }

 private:
  // A list request for the customer's page.
  template <typename Request>
  static Request Page(const std::string& id, int page_size, const std::string& token) {
    Request request;
    request.set_customer_id(id);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return request;
  }

  template <typename GrpcService>
  platform::Rpc Rpc() {
    return world_.RpcWithoutSessions<GrpcService>(workers_);
  }

  testing::World world_;
  platform::WorkerPool workers_{{.threads = 1, .queue_capacity = 4}};
  platform::OwnedRecords address_records_{*world_.store, "addresses"};
  platform::OwnedRecords wishlist_records_{*world_.store, "wishlist"};
  platform::OwnedRecords interaction_records_{*world_.store, "interactions"};
  std::unique_ptr<CustomersService> customers_service_;
  std::unique_ptr<LoyaltyService> loyalty_;
  std::unique_ptr<AddressService> addresses_;
  std::unique_ptr<EngagementService> engagement_;
  std::unique_ptr<InteractionService> interactions_;
  std::unique_ptr<PrivacyService> privacy_;
  // Declared after the services: shut down before they go.
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::unique_ptr<v1::CustomersService::Stub> customers_stub_;
  std::unique_ptr<v1::AddressService::Stub> address_stub_;
  std::unique_ptr<v1::EngagementService::Stub> engagement_stub_;
  std::unique_ptr<v1::PrivacyService::Stub> privacy_stub_;
};

bool IsStale(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::FAILED_PRECONDITION && Reason(s) == "ETAG_MISMATCH";
}

TEST_CASE("Erasure with a stale If-Match erases nothing - with the current etag it erases",
          "[privacy][if_match]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  v1::Customer profile;
  REQUIRE(server.GetCustomer(ann, &profile).ok());
  const std::string etag = profile.etag();
  // The profile changes after it was read: the etag the caller holds is stale.
  server.world().ChangeCustomer(ann,
                                [](store::v1::CustomerRecord& r) { r.set_display_name("Ann B"); });

  grpc::Status stale = server.Erase(ann, "\"" + etag + "\"");
  INFO(Describe(stale));
  CHECK(IsStale(stale));
  v1::Customer still;
  REQUIRE(server.GetCustomer(ann, &still).ok());
  CHECK(still.display_name() == "Ann B");
  CHECK(still.email() == "ann@example.com");

  REQUIRE(server.Erase(ann, "\"" + still.etag() + "\"").ok());
  CHECK(server.GetCustomer(ann, &still).error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Erasure without If-Match is unconditional", "[privacy][if_match]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  REQUIRE(server.Erase(ann, "").ok());
  v1::Customer gone;
  CHECK(server.GetCustomer(ann, &gone).error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Deleting an address with a stale If-Match deletes nothing", "[addresses][if_match]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  v1::Address home = server.AddAddress(ann, "Berlin");
  v1::Address office = server.AddAddress(ann, "Hamburg");

  grpc::Status stale = server.DeleteAddress(ann, office.address_id(), "\"v9\"");
  INFO(Describe(stale));
  CHECK(IsStale(stale));
  v1::ListAddressesResponse list;
  REQUIRE(server.ListAddresses(ann, 0, "", &list).ok());
  CHECK(list.addresses_size() == 2);

  // The address's current etag deletes it; without If-Match the delete is unconditional.
  REQUIRE(server.DeleteAddress(ann, office.address_id(), "\"" + office.etag() + "\"").ok());
  REQUIRE(server.DeleteAddress(ann, home.address_id(), "").ok());
  list.Clear();
  REQUIRE(server.ListAddresses(ann, 0, "", &list).ok());
  CHECK(list.addresses_size() == 0);
  CHECK(server.DeleteAddress(ann, home.address_id(), "").error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Addresses come a page at a time, the default first, then oldest first",
          "[addresses][paging]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  std::vector<std::string> cities = {"Berlin", "Hamburg", "Munich", "Cologne", "Bremen"};
  for (const std::string& city : cities) server.AddAddress(ann, city);

  // Without a page size: the whole book, no token (as before there were pages).
  v1::ListAddressesResponse all;
  REQUIRE(server.ListAddresses(ann, 0, "", &all).ok());
  CHECK(all.addresses_size() == 5);
  CHECK(all.next_page_token().empty());
  CHECK(all.addresses(0).is_default());

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListAddressesResponse page;
    grpc::Status s = server.ListAddresses(ann, 2, token, &page);
    INFO(Describe(s));
    REQUIRE(s.ok());
    CHECK(page.addresses_size() <= 2);
    for (const v1::Address& a : page.addresses()) seen.push_back(a.city());
    token = page.next_page_token();
    REQUIRE(++pages <= 3);
  } while (!token.empty());
  CHECK(pages == 3);
  CHECK(seen == cities);

  v1::ListAddressesResponse bad;
  grpc::Status s = server.ListAddresses(ann, 21, "", &bad);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Fields(s) == std::vector<std::string>{"pageSize"});
  s = server.ListAddresses(ann, 0, "%%%", &bad);
  CHECK(Fields(s) == std::vector<std::string>{"pageToken"});
}

TEST_CASE("The wishlist comes a page at a time, newest first", "[wishlist][paging]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  for (const char* sku : {"sku-1", "sku-2", "sku-3"}) server.AddToWishlist(ann, sku);

  v1::ListWishlistResponse first;
  REQUIRE(server.ListWishlist(ann, 2, "", &first).ok());
  REQUIRE(first.items_size() == 2);
  CHECK(first.items(0).sku() == "sku-3");
  CHECK(first.items(1).sku() == "sku-2");
  REQUIRE_FALSE(first.next_page_token().empty());

  // An item added between the pages does not push one of the rest out of the next page.
  server.AddToWishlist(ann, "sku-4");
  v1::ListWishlistResponse second;
  REQUIRE(server.ListWishlist(ann, 2, first.next_page_token(), &second).ok());
  REQUIRE(second.items_size() == 1);
  CHECK(second.items(0).sku() == "sku-1");
  CHECK(second.next_page_token().empty());

  v1::ListWishlistResponse whole;
  REQUIRE(server.ListWishlist(ann, 0, "", &whole).ok());
  CHECK(whole.items_size() == 4);
  CHECK(whole.next_page_token().empty());
}

TEST_CASE("Recently viewed products come a page at a time, newest first", "[views][paging]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  for (const char* sku : {"a", "b", "c", "d", "e"}) server.View(ann, sku);
  server.View(ann, "b");  // a repeat moves it to the front

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListViewsResponse page;
    grpc::Status s = server.ListViews(ann, 2, token, &page);
    INFO(Describe(s));
    REQUIRE(s.ok());
    CHECK(page.customer_id() == ann);
    for (const v1::ProductView& view : page.views()) seen.push_back(view.sku());
    token = page.next_page_token();
    REQUIRE(++pages <= 3);
  } while (!token.empty());
  CHECK(seen == std::vector<std::string>{"b", "e", "d", "c", "a"});

  v1::ListViewsResponse bad;
  CHECK(Fields(server.ListViews(ann, 51, "", &bad)) == std::vector<std::string>{"pageSize"});
}

}  // namespace
}  // namespace crm::customers
