/** A body that is not valid protobuf for the message it should hold. Messages follow gogo-protobuf's (`proto: …`). */
export class ProtobufWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufWireError';
  }
}
