/* Generated protobuf-c sources live beside this file (make protos). */
