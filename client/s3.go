package client

// Open accepts s3:// roots: the S3 backend registers itself.
import _ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
