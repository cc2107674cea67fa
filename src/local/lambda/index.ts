export { startLambdaStandIn, type LambdaStandIn, type LambdaStandInOptions } from './lambda-stand-in';
export { parseFunctionReference, resolveFunctionKey, type FunctionReference } from './function-names';
