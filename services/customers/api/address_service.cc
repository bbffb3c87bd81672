#include "customers/api/address_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customers/domain/address.h"
#include "customers/domain/reasons.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/paging.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"
#include "platform/store/entity.h"

namespace crm::customers {

namespace {

using google::protobuf::util::TimeUtil;

absl::Status AddressNotFound() {
  return platform::Error(absl::StatusCode::kNotFound, kReasonAddressNotFound,
                         "no address with this id");
}

v1::Address Normalized(v1::Address address) {
  NormalizeAddress(&address);
  return address;
}

absl::StatusOr<v1::Address> Parse(const platform::Entity& entity) {
  v1::Address address;
  if (!address.ParseFromString(entity.data)) return absl::InternalError("unreadable address");
  address.set_etag(entity.etag());
  return address;
}

// Creation order: ids are random, so sort by when each was made.
bool Older(const v1::Address& a, const v1::Address& b) {
  return TimeUtil::TimestampToMicroseconds(a.created_at()) <
             TimeUtil::TimestampToMicroseconds(b.created_at()) ||
         (a.created_at() == b.created_at() && a.address_id() < b.address_id());
}

}  // namespace

grpc::ServerUnaryReactor* AddressService::CreateAddress(grpc::CallbackServerContext* context,
                                                        const v1::CreateAddressRequest* request,
                                                        v1::Address* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             CheckAddress(Normalized(request->address()), "address.", violations);
             return platform::InvalidFields(violations);
           },
       .write = [this, request, response](
                    platform::Txn& txn,
                    const platform::RequestContext&) { return Create(txn, *request, response); }});
}
grpc::ServerUnaryReactor* AddressService::GetAddress(grpc::CallbackServerContext* context,
                                                     const v1::GetAddressRequest* request,
                                                     v1::Address* response) {
  return deps_.rpc.Read(context, *request,
                        [&](const platform::RequestContext&) { return Get(*request, response); });
}
grpc::ServerUnaryReactor* AddressService::ListAddresses(grpc::CallbackServerContext* context,
                                                        const v1::ListAddressesRequest* request,
                                                        v1::ListAddressesResponse* response) {
  return deps_.rpc.Read(context, *request,
                        [&](const platform::RequestContext&) { return List(*request, response); });
}
grpc::ServerUnaryReactor* AddressService::UpdateAddress(grpc::CallbackServerContext* context,
                                                        const v1::UpdateAddressRequest* request,
                                                        v1::Address* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.write = [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
        return Update(txn, *request, rc.if_match, response);
      }});
}
grpc::ServerUnaryReactor* AddressService::DeleteAddress(grpc::CallbackServerContext* context,
                                                        const v1::DeleteAddressRequest* request,
                                                        v1::DeleteAddressResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.write = [this, request](platform::Txn& txn, const platform::RequestContext& rc) {
        return Delete(txn, *request, rc.if_match);
      }});
}
grpc::ServerUnaryReactor* AddressService::MakeDefaultAddress(
    grpc::CallbackServerContext* context, const v1::MakeDefaultAddressRequest* request,
    v1::Address* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.write = [this, request, response](platform::Txn& txn, const platform::RequestContext&) {
        return MakeDefault(txn, *request, response);
      }});
}

absl::StatusOr<std::vector<v1::Address>> AddressService::All(absl::string_view customer_id) const {
  std::vector<v1::Address> all;
  absl::Status parse = absl::OkStatus();
  absl::Status listed =
      deps_.addresses.List(customer_id, "", [&](absl::string_view, const platform::Entity& entity) {
        auto address = Parse(entity);
        if (!address.ok()) {
          parse = address.status();
          return false;
        }
        all.push_back(std::move(*address));
        return true;
      });
  if (!listed.ok()) return listed;
  if (!parse.ok()) return parse;
  std::sort(all.begin(), all.end(), Older);
  return all;
}

absl::Status AddressService::SetDefault(platform::Txn& txn, absl::string_view customer_id,
                                        absl::string_view address_id, bool is_default,
                                        v1::Address* response) {
  // Read again under the address's lock: an update may have committed since the list was read.
  auto entity = deps_.addresses.GetForUpdate(txn, customer_id, address_id);
  if (!entity.ok()) return entity.status();
  // Started over by the shape.
  if (!entity->has_value()) return absl::AbortedError("the address book changed; retry");
  auto address = Parse(**entity);
  if (!address.ok()) return address.status();
  address->set_is_default(is_default);
  return Write(txn, *address, (*entity)->version, response);
}

absl::Status AddressService::Write(platform::Txn& txn, v1::Address address, uint64_t version,
                                   v1::Address* response) {
  address.clear_etag();
  if (absl::Status s = deps_.addresses.Put(txn, address.customer_id(), address.address_id(),
                                           version + 1, address.SerializeAsString());
      !s.ok()) {
    return s;
  }
  address.set_etag(platform::EtagOf(version + 1));
  *response = std::move(address);
  return absl::OkStatus();
}

absl::Status AddressService::Create(platform::Txn& txn, const v1::CreateAddressRequest& request,
                                    v1::Address* response) {
  v1::Address address = Normalized(request.address());
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  auto all = All(request.customer_id());
  if (!all.ok()) return all.status();
  if (static_cast<int>(all->size()) >= kMaxAddresses) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonAddressBookFull,
                           "an address book holds at most 20 addresses; delete one first");
  }
  bool has_default =
      std::any_of(all->begin(), all->end(), [](const v1::Address& a) { return a.is_default(); });
  auto now = platform::ToTimestamp(deps_.clock.Now());
  address.set_customer_id(request.customer_id());
  address.set_address_id(platform::NewId("a"));
  address.set_is_default(!has_default);
  *address.mutable_created_at() = now;
  *address.mutable_updated_at() = now;
  return Write(txn, address, 0, response);
}

absl::Status AddressService::Get(const v1::GetAddressRequest& request, v1::Address* response) {
  auto entity = deps_.addresses.Get(request.customer_id(), request.address_id());
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) return AddressNotFound();
  auto address = Parse(**entity);
  if (!address.ok()) return address.status();
  *response = std::move(*address);
  return absl::OkStatus();
}

absl::Status AddressService::List(const v1::ListAddressesRequest& request,
                                  v1::ListAddressesResponse* response) {
  // The default page is the whole book, as before there were pages.
  auto page = platform::ReadPage(request.page_size(), request.page_token(),
                                 {.default_size = kMaxAddresses, .max_size = kMaxAddresses});
  if (!page.ok()) return page.status();
  if (auto customer = deps_.customers.Get(request.customer_id()); !customer.ok()) {
    return customer.status();
  }
  auto all = All(request.customer_id());
  if (!all.ok()) return all.status();
  // The default first, then oldest first.
  auto position = [](const v1::Address& a) {
    return absl::StrCat(a.is_default() ? "0" : "1",
                        platform::TimeOrderKey(platform::FromTimestamp(a.created_at())),
                        a.address_id());
  };
  std::string next;
  for (v1::Address& address : platform::TakePage(*std::move(all), *page, position, &next)) {
    *response->add_addresses() = std::move(address);
  }
  response->set_next_page_token(next);
  return absl::OkStatus();
}

absl::Status AddressService::Update(platform::Txn& txn, const v1::UpdateAddressRequest& request,
                                    absl::string_view if_match, v1::Address* response) {
  auto entity = deps_.addresses.GetForUpdate(txn, request.customer_id(), request.address_id());
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) return AddressNotFound();
  auto current = Parse(**entity);
  if (!current.ok()) return current.status();
  std::vector<platform::FieldViolation> violations;
  ApplyMask(request.address(), request.update_mask(), ChangeableAddressPaths(), &*current,
            violations);
  if (!violations.empty()) return platform::InvalidFields(violations);
  if (absl::Status s = platform::CheckEtag(**entity, if_match); !s.ok()) return s;
  NormalizeAddress(&*current);
  CheckAddress(*current, "address.", violations);
  if (!violations.empty()) return platform::InvalidFields(violations);
  *current->mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  return Write(txn, *current, (*entity)->version, response);
}

absl::Status AddressService::Delete(platform::Txn& txn, const v1::DeleteAddressRequest& request,
                                    absl::string_view if_match) {
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  auto entity = deps_.addresses.GetForUpdate(txn, request.customer_id(), request.address_id());
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) return AddressNotFound();
  if (absl::Status s = platform::CheckEtag(**entity, if_match); !s.ok()) return s;
  auto all = All(request.customer_id());
  if (!all.ok()) return all.status();
  auto gone = std::find_if(all->begin(), all->end(), [&](const v1::Address& a) {
    return a.address_id() == request.address_id();
  });
  if (gone == all->end()) return AddressNotFound();
  bool was_default = gone->is_default();
  all->erase(gone);
  if (absl::Status s = deps_.addresses.Delete(txn, request.customer_id(), request.address_id());
      !s.ok()) {
    return s;
  }
  if (!was_default || all->empty()) return absl::OkStatus();
  // The oldest left takes over, so a non-empty book always has its default.
  v1::Address ignored;
  return SetDefault(txn, request.customer_id(), all->front().address_id(), true, &ignored);
}

absl::Status AddressService::MakeDefault(platform::Txn& txn,
                                         const v1::MakeDefaultAddressRequest& request,
                                         v1::Address* response) {
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  auto all = All(request.customer_id());
  if (!all.ok()) return all.status();
  bool found = std::any_of(all->begin(), all->end(), [&](const v1::Address& a) {
    return a.address_id() == request.address_id();
  });
  if (!found) return AddressNotFound();
  for (const v1::Address& address : *all) {
    bool target = address.address_id() == request.address_id();
    if (address.is_default() == target && !target) continue;
    v1::Address written;
    if (absl::Status s =
            SetDefault(txn, request.customer_id(), address.address_id(), target, &written);
        !s.ok()) {
      return s;
    }
    if (target) *response = std::move(written);
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
