#ifndef PORTCULLIS_CGRPC_SHIM_H
#define PORTCULLIS_CGRPC_SHIM_H
/* Must precede every gRPC header: port_platform.h defines _GNU_SOURCE, and
   without these the module fails on fd_set (see shared notes). */
#include <features.h>
#include <sys/select.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpc/status.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>

/* Macros that do not import into Swift. Take the slice by pointer: a slice
   passed by value would give a dangling pointer for inline slices. */
static inline const uint8_t *pc_grpc_slice_start(const grpc_slice *s) { return GRPC_SLICE_START_PTR(*s); }
static inline size_t pc_grpc_slice_length(const grpc_slice *s) { return GRPC_SLICE_LENGTH(*s); }

/* SSL server options whose certificates come from `cb` before every handshake (the core
   calls it under its own lock). Kept here so Swift passes a plain C function pointer. */
static inline grpc_ssl_server_credentials_options *pc_grpc_ssl_options_with_fetcher(
    grpc_ssl_client_certificate_request_type request,
    grpc_ssl_certificate_config_reload_status (*cb)(void *user_data, grpc_ssl_server_certificate_config **config),
    void *user_data) {
    return grpc_ssl_server_credentials_create_options_using_config_fetcher(request, cb, user_data);
}
#endif
