export {
  startEventBridgeStandIn,
  MAX_DETAIL_TYPE_LENGTH,
  MAX_ENTRIES,
  MAX_REQUEST_BYTES,
  type EntryFailure,
  type EventBridgeStandIn,
  type EventBridgeStandInOptions,
  type PublishedEvent,
} from './event-bridge-stand-in';
