/* MLNetGan native shim: a flat C ABI over libtorch.
 *
 * Contract (every exported function follows it):
 *   - returns MNG_OK (0) or MNG_ERROR (1); on error, mng_last_error() returns the
 *     message (libtorch's own text when libtorch threw) for the calling thread;
 *   - no C++ exception ever leaves a function;
 *   - a null input handle is rejected with an error, never dereferenced;
 *   - results come back through out-parameters; each returned tensor handle is
 *     owned by the caller and released with mng_tensor_free.
 * Only generic tensor operations live here; models and training are in C#.
 */
#ifndef MLNETGAN_TORCH_H
#define MLNETGAN_TORCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MNG_OK 0
#define MNG_ERROR 1

typedef struct mng_tensor_s* mng_tensor;
typedef struct mng_generator_s* mng_generator;
typedef struct mng_guard_s* mng_guard;

const char* mng_last_error(void);
void mng_tensor_free(mng_tensor tensor);
void mng_generator_free(mng_generator generator);

#ifdef __cplusplus
}
#endif

#endif
