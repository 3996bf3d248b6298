#pragma once
// Precompiled once for gateway/proxy (the same headers as gateway/net's, which this layer cannot include).
#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
