// Collective operations over c10d's Gloo process group (the engine behind PyTorch's
// DistributedDataParallel on CPUs), behind the same status-code contract as the rest of the shim.
// Generic only: rendezvous, all-reduce, broadcast, all-gather, barrier. What to synchronize and when
// (gradients, weights, statistics) is decided in C#.
#include "mlnetgan_torch.h"
#include "shim.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mng;

struct mng_process_group_s {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  std::chrono::milliseconds timeout;
  int world_size;
};

namespace {

mng_process_group_s& group_ref(mng_process_group handle) {
  if (handle == nullptr) throw std::invalid_argument("process group argument is a null handle");
  return *handle;
}

// Waits for a collective, turning a timeout or a lost peer into an exception that names the operation.
void finish(mng_process_group_s& g, const c10::intrusive_ptr<c10d::Work>& work, const char* operation) {
  try {
    work->wait(g.timeout);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(operation) + " failed (a rank stopped, or it did not answer within " +
                             std::to_string(g.timeout.count()) + " ms): " + e.what());
  }
}

// Gloo's transport device: the interface named by GLOO_SOCKET_IFNAME (as PyTorch honours it), the
// loopback address when the rendezvous is local, else the address this host's name resolves to.
std::shared_ptr<::gloo::transport::Device> transport_device(const std::string& master_address) {
  if (const char* interface_name = std::getenv("GLOO_SOCKET_IFNAME"); interface_name != nullptr && *interface_name != '\0') {
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface_name);
  }
  if (master_address == "127.0.0.1" || master_address == "localhost" || master_address == "::1") {
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

std::vector<at::Tensor> same_kind_tensors(const mng_tensor* tensors, int count) {
  auto list = tensor_list(tensors, count, "tensors");
  if (list.empty()) throw std::invalid_argument("no tensors given");
  for (const auto& t : list) {
    if (!t.device().is_cpu()) throw std::invalid_argument("the Gloo process group takes CPU tensors");
    if (t.scalar_type() != list[0].scalar_type()) throw std::invalid_argument("all tensors of one collective must have the same dtype");
  }
  return list;
}

// Runs `collective` on the tensors as one flat buffer (one message instead of one per tensor, as DDP's
// gradient buckets do), then copies the results back into the tensors.
template <typename Collective>
void on_flat_buffer(std::vector<at::Tensor>& list, Collective&& collective) {
  at::NoGradGuard no_grad;
  if (list.size() == 1 && list[0].is_contiguous()) {
    collective(list[0]);
    return;
  }
  std::vector<at::Tensor> flat;
  flat.reserve(list.size());
  for (const auto& t : list) flat.push_back(t.reshape(-1));
  auto buffer = at::cat(flat);
  collective(buffer);
  int64_t offset = 0;
  for (auto& t : list) {
    t.copy_(buffer.narrow(0, offset, t.numel()).view(t.sizes()));
    offset += t.numel();
  }
}

}  // namespace

MNG_API int mng_dist_init(const char* master_address, int master_port, int rank, int world_size, int64_t timeout_ms, mng_process_group* out) {
  return guarded([&] {
    require_out(out);
    if (master_address == nullptr || *master_address == '\0') throw std::invalid_argument("master address is empty");
    if (master_port <= 0 || master_port > 65535) throw std::invalid_argument("master port " + std::to_string(master_port) + " is not in 1..65535");
    if (world_size < 1) throw std::invalid_argument("world size " + std::to_string(world_size) + " must be at least 1");
    if (rank < 0 || rank >= world_size) throw std::invalid_argument("rank " + std::to_string(rank) + " is not in 0.." + std::to_string(world_size - 1));
    if (timeout_ms <= 0) throw std::invalid_argument("timeout must be positive");
    std::chrono::milliseconds timeout(timeout_ms);
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(master_port);
    store_options.isServer = rank == 0;  // rank 0 hosts the rendezvous, as torchrun's static rendezvous does
    store_options.numWorkers = static_cast<std::size_t>(world_size);
    store_options.waitWorkers = true;
    store_options.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(master_address, store_options);
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
    gloo_options->devices.push_back(transport_device(master_address));
    gloo_options->threads = 2;
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world_size, gloo_options);
    *out = new mng_process_group_s{store, group, timeout, world_size};
  });
}

MNG_API void mng_dist_free(mng_process_group group) { delete group; }

MNG_API int mng_dist_all_reduce(mng_process_group group, const mng_tensor* tensors, int count, int op) {
  return guarded([&] {
    auto& g = group_ref(group);
    auto list = same_kind_tensors(tensors, count);
    c10d::AllreduceOptions options;
    bool average = false;
    switch (op) {
      case 0: options.reduceOp = c10d::ReduceOp::SUM; break;
      case 1: options.reduceOp = c10d::ReduceOp::SUM; average = true; break;  // Gloo has no AVG: sum, then divide
      case 2: options.reduceOp = c10d::ReduceOp::MIN; break;
      case 3: options.reduceOp = c10d::ReduceOp::MAX; break;
      case 4: options.reduceOp = c10d::ReduceOp::PRODUCT; break;
      default: throw std::invalid_argument("unknown reduce operation " + std::to_string(op));
    }
    on_flat_buffer(list, [&](at::Tensor& buffer) {
      std::vector<at::Tensor> one{buffer};
      finish(g, g.group->allreduce(one, options), "all_reduce");
      if (average) buffer.div_(g.world_size);
    });
  });
}

MNG_API int mng_dist_broadcast(mng_process_group group, const mng_tensor* tensors, int count, int root) {
  return guarded([&] {
    auto& g = group_ref(group);
    if (root < 0 || root >= g.world_size) throw std::invalid_argument("broadcast root " + std::to_string(root) + " is not a rank");
    auto list = same_kind_tensors(tensors, count);
    c10d::BroadcastOptions options;
    options.rootRank = root;
    on_flat_buffer(list, [&](at::Tensor& buffer) {
      std::vector<at::Tensor> one{buffer};
      finish(g, g.group->broadcast(one, options), "broadcast");
    });
  });
}

MNG_API int mng_dist_all_gather(mng_process_group group, mng_tensor input, mng_tensor* out) {
  return guarded([&] {
    auto& g = group_ref(group);
    require_out(out);
    auto mine = ref(input, "input").contiguous();
    if (!mine.device().is_cpu()) throw std::invalid_argument("the Gloo process group takes CPU tensors");
    std::vector<at::Tensor> inputs{mine};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < g.world_size; ++r) outputs[0].push_back(at::empty_like(mine));
    finish(g, g.group->allgather(outputs, inputs), "all_gather");
    put(out, at::stack(outputs[0]));
  });
}

MNG_API int mng_dist_barrier(mng_process_group group) {
  return guarded([&] {
    auto& g = group_ref(group);
    finish(g, g.group->barrier(), "barrier");
  });
}
