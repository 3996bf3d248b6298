// Streams and key-value buckets. Every call here blocks on JetStream API round
// trips (bounded by NatsOptions::js_timeout); see nats_bus.hpp.
#include <algorithm>
#include <climits>
#include <utility>

#include "gateway/bus/nats_internal.hpp"

namespace gangway::bus {
namespace {

int64_t to_nanos(std::chrono::milliseconds d) { return std::chrono::nanoseconds(d).count(); }

bool is_not_found(natsStatus s, jsErrCode jerr) { return s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr; }

bool same_subjects(const jsStreamConfig& cfg, std::vector<std::string> want) {
  std::vector<std::string> have(cfg.Subjects, cfg.Subjects + cfg.SubjectsLen);
  std::sort(have.begin(), have.end());
  std::sort(want.begin(), want.end());
  return have == want;
}

// Changes only the subjects of an existing stream, so settings an operator
// tuned (limits, replicas, retention) survive a gateway restart.
BusError update_subjects(jsCtx* js, jsStreamInfo* si, std::vector<const char*>& subjects) {
  jsStreamConfig* cfg = si->Config;
  const char** old_subjects = cfg->Subjects;
  int old_len = cfg->SubjectsLen;
  cfg->Subjects = subjects.data();
  cfg->SubjectsLen = static_cast<int>(subjects.size());
  jsStreamInfo* updated = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_UpdateStream(&updated, js, cfg, nullptr, &jerr);
  cfg->Subjects = old_subjects;  // owned by `si`, freed with it
  cfg->SubjectsLen = old_len;
  jsStreamInfo_Destroy(updated);
  return to_bus_error(s, jerr);
}

}  // namespace

BusError NatsBus::ensure_stream(const std::string& name, const std::vector<std::string>& subjects) {
  if (!impl_->connected()) return BusError::not_connected;
  if (name.empty() || subjects.empty()) return BusError::failed;
  std::vector<const char*> subj;
  for (const auto& s : subjects) subj.push_back(s.c_str());
  // Two attempts: another gateway may create the stream between our lookup and our create.
  for (int attempt = 0; attempt < 2; ++attempt) {
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&si, impl_->js, name.c_str(), nullptr, &jerr);
    if (s == NATS_OK) {
      BusError e = same_subjects(*si->Config, subjects) ? BusError::ok : update_subjects(impl_->js, si, subj);
      jsStreamInfo_Destroy(si);
      return e;
    }
    if (!is_not_found(s, jerr)) return to_bus_error(s, jerr);
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name.c_str();
    cfg.Subjects = subj.data();
    cfg.SubjectsLen = static_cast<int>(subj.size());
    cfg.Storage = js_FileStorage;
    jerr = static_cast<jsErrCode>(0);
    s = js_AddStream(&si, impl_->js, &cfg, nullptr, &jerr);
    jsStreamInfo_Destroy(si);
    if (s == NATS_OK || jerr != JSStreamNameExistErr) return to_bus_error(s, jerr);
  }
  return BusError::failed;
}

std::optional<std::uint64_t> NatsBus::stream_messages(const std::string& name) {
  if (!impl_->connected()) return std::nullopt;
  jsStreamInfo* si = nullptr;
  if (js_GetStreamInfo(&si, impl_->js, name.c_str(), nullptr, nullptr) != NATS_OK) return std::nullopt;
  std::uint64_t n = si->State.Msgs;
  jsStreamInfo_Destroy(si);
  return n;
}

kvStore* NatsBus::Impl::bucket(const std::string& name, BusError* error) {
  *error = BusError::ok;
  if (!connected()) {
    *error = BusError::not_connected;
    return nullptr;
  }
  std::lock_guard lk(kv_mu);
  if (auto it = kv.find(name); it != kv.end()) return it->second;
  kvStore* store = nullptr;
  natsStatus s = js_KeyValue(&store, js, name.c_str());
  if (s != NATS_OK) {
    *error = s == NATS_NOT_FOUND ? BusError::rejected : to_bus_error(s);
    return nullptr;
  }
  kv.emplace(name, store);
  return store;
}

BusError NatsBus::ensure_kv_bucket(const std::string& bucket, std::chrono::milliseconds ttl,
                                   KvStorage storage) {
  if (!impl_->connected()) return BusError::not_connected;
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = bucket.c_str();
  cfg.History = 1;
  cfg.TTL = to_nanos(ttl);  // nats.c passes it through as the stream's max age (ns)
  cfg.StorageType = storage == KvStorage::memory ? js_MemoryStorage : js_FileStorage;
  kvStore* store = nullptr;
  natsStatus s = js_CreateKeyValue(&store, impl_->js, &cfg);
  if (s == NATS_OK) {
    std::lock_guard lk(impl_->kv_mu);
    auto [it, inserted] = impl_->kv.emplace(bucket, store);
    if (!inserted) kvStore_Destroy(store);  // already bound; same bucket
    return BusError::ok;
  }
  // The server refuses to re-create a bucket whose config differs: the ttl
  // changed (or the storage, which stays as it was). Update the backing
  // stream's max age in place.
  jsStreamInfo* si = nullptr;
  std::string stream = "KV_" + bucket;
  if (js_GetStreamInfo(&si, impl_->js, stream.c_str(), nullptr, nullptr) != NATS_OK) return to_bus_error(s);
  BusError e = BusError::ok;
  if (si->Config->MaxAge != cfg.TTL) {
    si->Config->MaxAge = cfg.TTL;
    jsStreamInfo* updated = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    e = to_bus_error(js_UpdateStream(&updated, impl_->js, si->Config, nullptr, &jerr), jerr);
    jsStreamInfo_Destroy(updated);
  }
  jsStreamInfo_Destroy(si);
  return e;
}

BusError NatsBus::kv_put(const std::string& bucket, const std::string& key, std::string_view value) {
  if (value.size() > static_cast<std::size_t>(INT_MAX)) return BusError::failed;
  BusError e = BusError::ok;
  kvStore* store = impl_->bucket(bucket, &e);
  if (!store) return e;
  return to_bus_error(kvStore_Put(nullptr, store, key.c_str(), value.data(), static_cast<int>(value.size())));
}

std::optional<std::string> NatsBus::kv_get(const std::string& bucket, const std::string& key, BusError* error) {
  BusError e = BusError::ok;
  std::optional<std::string> out;
  if (kvStore* store = impl_->bucket(bucket, &e)) {
    kvEntry* entry = nullptr;
    natsStatus s = kvStore_Get(&entry, store, key.c_str());
    if (s == NATS_OK) {
      const char* v = static_cast<const char*>(kvEntry_Value(entry));
      out.emplace(v ? v : "", v ? static_cast<std::size_t>(kvEntry_ValueLen(entry)) : 0);
    } else if (s != NATS_NOT_FOUND) {  // absent or deleted is not an error
      e = to_bus_error(s);
    }
    kvEntry_Destroy(entry);
  }
  if (error) *error = e;
  return out;
}

BusError NatsBus::kv_delete(const std::string& bucket, const std::string& key) {
  BusError e = BusError::ok;
  kvStore* store = impl_->bucket(bucket, &e);
  if (!store) return e;
  return to_bus_error(kvStore_Delete(store, key.c_str()));
}

std::vector<std::string> NatsBus::kv_keys(const std::string& bucket, const std::string& prefix, BusError* error) {
  BusError e = BusError::ok;
  std::vector<std::string> out;
  if (kvStore* store = impl_->bucket(bucket, &e)) {
    kvWatchOptions wo;
    kvWatchOptions_Init(&wo);
    wo.Timeout = impl_->opts.js_timeout.count();
    kvKeysList list{};
    // All keys, filtered here: a server-side filter needs a watch per prefix
    // and only works on whole tokens.
    natsStatus s = kvStore_Keys(&list, store, &wo);
    if (s == NATS_OK) {
      for (int i = 0; i < list.Count; ++i) {
        std::string_view k = list.Keys[i];
        if (k.starts_with(prefix)) out.emplace_back(k);
      }
      kvKeysList_Destroy(&list);
    } else if (s != NATS_NOT_FOUND) {  // an empty bucket
      e = to_bus_error(s);
    }
  }
  if (error) *error = e;
  return out;
}

}  // namespace gangway::bus
