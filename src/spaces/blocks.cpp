#include "naswot/spaces/blocks.h"

#include "naswot/util/error.h"

namespace naswot::spaces {

using engine::NodeId;

NodeId relu_conv_bn(engine::GraphBuilder& b, NodeId x, std::int64_t c_out, const engine::Window& w,
                    SiteCounting counting) {
  const NodeId r = b.relu(x, counting == SiteCounting::kReference ? 2 : 1);
  return b.batch_norm(b.conv(r, c_out, w));
}

NodeId conv_bn(engine::GraphBuilder& b, NodeId x, std::int64_t c_out, const engine::Window& w) {
  return b.batch_norm(b.conv(x, c_out, w));
}

NodeId nb201_resnet_block(engine::GraphBuilder& b, NodeId x, std::int64_t c_out,
                          SiteCounting counting) {
  // Construction order (= weight draw order): conv_a, conv_b, then the shortcut conv.
  const NodeId a = relu_conv_bn(b, x, c_out, engine::square(3, 2, 1), counting);
  const NodeId main = relu_conv_bn(b, a, c_out, engine::square(3, 1, 1), counting);
  const NodeId pooled = b.avg_pool(x, engine::square(2, 2, 0));
  const NodeId shortcut = b.conv(pooled, c_out, engine::square(1, 1, 0));
  const NodeId terms[] = {shortcut, main};
  return b.add(terms);
}

NodeId factorized_reduce(engine::GraphBuilder& b, NodeId x, std::int64_t c_out) {
  NASWOT_CHECK(c_out % 2 == 0);
  const NodeId r = b.relu(x, 1);
  const NodeId even = b.conv(r, c_out / 2, engine::square(1, 2, 0));
  // pycls: conv_2(pad(x, right 1, bottom 1)[:, :, 1:, 1:]), i.e. x moved up-left by one pixel.
  const NodeId odd = b.conv(b.pad(r, -1, -1, 1, 1), c_out / 2, engine::square(1, 2, 0));
  const NodeId halves[] = {even, odd};
  return b.batch_norm(b.concat(halves));
}

NodeId classifier(engine::GraphBuilder& b, NodeId x, std::int64_t classes) {
  return b.linear(b.global_avg_pool(x), classes, /*bias=*/true);
}

}  // namespace naswot::spaces
