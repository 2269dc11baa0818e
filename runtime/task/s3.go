package task

// A runner opens s3:// datastore roots: the S3 backend registers itself.
import _ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
