# One target: the batch reader addon. Built at `npm install` by native/build.cjs (node-gyp, no
# network: headers come from the local Node, nodedir=/usr). C++ exceptions stay off (node-gyp's
# default -fno-exceptions); errors reach JS as pending exceptions (NAPI_DISABLE_CPP_EXCEPTIONS).
{
  "targets": [
    {
      "target_name": "cgmeter_native",
      "sources": ["src/addon.cc", "src/reader.cc", "src/parse.cc", "src/key_table.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "configurations": {
        # -O2 as the project asks (node-gyp's Release default is -O3).
        "Release": { "cflags!": ["-O3"], "cflags": ["-O2"] }
      },
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "2"
      }
    }
  ]
}
