#!/usr/bin/env node
// Starts s3rver (pinned in package.json) with one fix: s3rver 3.7.1 lists
// a prefix with delimiter "/" wrongly when keys lie two or more levels
// below it. Its filesystem walk prunes every directory whose path past the
// prefix holds the delimiter before it reaches the objects inside, so
// "a/b/c/d" under prefix "a/" yields no common prefix "a/b/" at all
// (Amazon S3, MinIO and gofakes3 return it). flowc lists runs, steps and
// tasks exactly that way, so the fix lists without the delimiter and folds
// the keys into common prefixes itself, as S3 does. Everything else is
// s3rver as published; the arguments are s3rver's.
'use strict';

const FilesystemStore = require('s3rver/lib/stores/filesystem');

const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const { delimiter = '', prefix = '', maxKeys = Infinity } = options;
  if (!delimiter) {
    return listObjects.call(this, bucket, options);
  }
  const all = await listObjects.call(this, bucket, {
    ...options,
    delimiter: '',
    maxKeys: Infinity,
  });
  const commonPrefixes = new Set();
  const objects = [];
  for (const o of all.objects) {
    const idx = o.key.slice(prefix.length).indexOf(delimiter);
    if (idx === -1) {
      objects.push(o);
    } else {
      commonPrefixes.add(o.key.slice(0, prefix.length + idx + 1));
    }
  }
  return {
    objects: objects.slice(0, maxKeys),
    commonPrefixes: [...commonPrefixes].sort(),
    isTruncated: objects.length > maxKeys,
  };
};

require('s3rver/bin/s3rver.js');
