import { CniError, ErrorCode } from "@tscni/types";
import { ifNameProblem, VALID_NAME } from "./precheck.js";

export function validateContainerId(id: string): void {
  if (id === "") throw new CniError(ErrorCode.UnknownContainer, "missing containerID");
  if (!VALID_NAME.test(id)) throw new CniError(ErrorCode.InvalidEnv, "invalid characters in containerID", `CNI_CONTAINERID is ${JSON.stringify(id)}`);
}

export function validateNetworkName(name: string): void {
  if (name === "") throw new CniError(ErrorCode.InvalidConfig, "missing network name");
  if (!VALID_NAME.test(name)) throw new CniError(ErrorCode.InvalidConfig, "invalid characters found in network name", `name is ${JSON.stringify(name)}`);
}

export function validateIfName(name: string): void {
  const problem = ifNameProblem(name);
  if (problem) throw new CniError(ErrorCode.InvalidEnv, problem[0], `${problem[1] ? `${problem[1]}; ` : ""}CNI_IFNAME is ${JSON.stringify(name)}`);
}
