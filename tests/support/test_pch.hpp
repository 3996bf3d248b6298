#pragma once
// Precompiled once for every test executable (tests/CMakeLists.txt): GoogleTest,
// nlohmann/json and the standard headers every test includes.
#include <gtest/gtest.h>

#include "gateway/core/pch.hpp"
