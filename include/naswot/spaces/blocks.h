// Building blocks shared by the spaces, written once: each appends the nodes of one PyTorch
// module as the reference constructs it, including how many hooked ReLU sites it has.
#pragma once

#include "naswot/engine/graph.h"
#include "naswot/spaces/space.h"

namespace naswot::spaces {

// ReLUConvBN (NB201/NDS `ReLUConvBN`): ReLU -> conv (no bias) -> BN. The wrapper's class name
// contains "ReLU", so the reference hooks both it and its inner ReLU: 2 sites (1 if kUnique).
engine::NodeId relu_conv_bn(engine::GraphBuilder& b, engine::NodeId x, std::int64_t c_out,
                            const engine::Window& w, SiteCounting counting);

// conv (no bias) -> BN.
engine::NodeId conv_bn(engine::GraphBuilder& b, engine::NodeId x, std::int64_t c_out,
                       const engine::Window& w);

// NB201's ResNet basic block (in -> out, stride 2): ReLUConvBN 3x3 s2, ReLUConvBN 3x3 s1;
// shortcut AvgPool 2x2 s2 -> conv 1x1; output = shortcut + main, no ReLU after the sum.
engine::NodeId nb201_resnet_block(engine::GraphBuilder& b, engine::NodeId x, std::int64_t c_out,
                                  SiteCounting counting);

// FactorizedReduce (DARTS/NDS, c_out even): ReLU (1 site) -> [conv 1x1 stride 2 -> c_out/2 on
// x, conv 1x1 stride 2 -> c_out/2 on x shifted up-left by one pixel, zero-filled at the
// bottom/right as pycls pads] -> channel concat -> BN. Halves H and W (rounding up).
engine::NodeId factorized_reduce(engine::GraphBuilder& b, engine::NodeId x, std::int64_t c_out);

// Head: global average pool -> linear(c -> classes, with bias).
engine::NodeId classifier(engine::GraphBuilder& b, engine::NodeId x, std::int64_t classes);

}  // namespace naswot::spaces
