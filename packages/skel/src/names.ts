// The rules live in @tscni/types (one home for names); skel checks CNI_* with them.
export { validateContainerId, validateIfName, validateNetworkName } from "@tscni/types/names";
