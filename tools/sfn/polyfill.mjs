// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers, which Node
// has only from version 22; this machine's Node is 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
