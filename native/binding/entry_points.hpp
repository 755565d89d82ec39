// The functions the addon exports; each lives in the file named after its concern.
#pragma once

#include <napi.h>

namespace pk::binding {

Napi::Value Matmul(const Napi::CallbackInfo& info);   // gemm.cc
Napi::Value Sort(const Napi::CallbackInfo& info);     // sort.cc
Napi::Value Argsort(const Napi::CallbackInfo& info);  // sort.cc
Napi::Value SetThreads(const Napi::CallbackInfo& info);  // pool.cc
Napi::Value Info(const Napi::CallbackInfo& info);        // pool.cc

}  // namespace pk::binding
