#ifndef PORTCULLIS_CENVOYPROTO_H
#define PORTCULLIS_CENVOYPROTO_H
/* Umbrella header for the protobuf-c code generated from Protos/ (make protos). */
#endif
