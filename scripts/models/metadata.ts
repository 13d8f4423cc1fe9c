// Builds the TFLite model metadata that MediaPipe Tasks reads to learn how to
// turn image pixels into the model's input tensor. The legacy @mediapipe
// solutions hard-coded this in their graphs; Tasks insists on finding it in
// the model ("requires specifying NormalizationOptions metadata").
import { Builder } from 'flatbuffers';

/** Name of the tflite Model.metadata entry holding a ModelMetadata buffer. */
export const METADATA_NAME = 'TFLITE_METADATA';

// Field ids from tflite-support's metadata_schema.fbs (file_identifier "M001");
// a union field takes two ids: its type tag, then its value.
const MODEL_METADATA = { name: 0, description: 1, subgraphMetadata: 3, license: 5, minParserVersion: 7 };
const SUBGRAPH_METADATA = { name: 0, inputTensorMetadata: 2, outputTensorMetadata: 3 };
const TENSOR_METADATA = { name: 0, description: 1, content: 3, processUnits: 4 };
const CONTENT = { propertiesType: 0, properties: 1 };
const IMAGE_PROPERTIES = { colorSpace: 0 };
const PROCESS_UNIT = { optionsType: 0, options: 1 };
const NORMALIZATION = { mean: 0, std: 1 };
// Union tags: ContentProperties.ImageProperties = 2, ProcessUnitOptions.NormalizationOptions = 1.
const IMAGE_PROPERTIES_TAG = 2;
const NORMALIZATION_TAG = 1;
const COLOR_SPACE_RGB = 1;

export interface ImageModelMetadata {
  name: string;
  description: string;
  licence: string;
  input: { name: string; description: string; mean: number; std: number };
  /** One name per model output, in SubGraph.outputs order. */
  outputs: { name: string; description: string }[];
}

/**
 * Serializes a ModelMetadata (metadata_schema.fbs, root_type ModelMetadata)
 * describing one RGB image input normalized as (pixel - mean) / std.
 */
export function buildImageModelMetadata(meta: ImageModelMetadata): Uint8Array {
  const b = new Builder(1024);

  const tensor = (name: string, description: string, image?: { mean: number; std: number }): number => {
    const nameOff = b.createString(name);
    const descOff = b.createString(description);
    let content = 0;
    let units = 0;
    if (image) {
      b.startObject(1);
      b.addFieldInt8(IMAGE_PROPERTIES.colorSpace, COLOR_SPACE_RGB, 0);
      const props = b.endObject();
      b.startObject(3);
      b.addFieldInt8(CONTENT.propertiesType, IMAGE_PROPERTIES_TAG, 0);
      b.addFieldOffset(CONTENT.properties, props, 0);
      content = b.endObject();
      const mean = floatVector(b, [image.mean]);
      const std = floatVector(b, [image.std]);
      b.startObject(2);
      b.addFieldOffset(NORMALIZATION.mean, mean, 0);
      b.addFieldOffset(NORMALIZATION.std, std, 0);
      const normalization = b.endObject();
      b.startObject(2);
      b.addFieldInt8(PROCESS_UNIT.optionsType, NORMALIZATION_TAG, 0);
      b.addFieldOffset(PROCESS_UNIT.options, normalization, 0);
      units = offsetVector(b, [b.endObject()]);
    }
    b.startObject(5);
    b.addFieldOffset(TENSOR_METADATA.name, nameOff, 0);
    b.addFieldOffset(TENSOR_METADATA.description, descOff, 0);
    if (content) b.addFieldOffset(TENSOR_METADATA.content, content, 0);
    if (units) b.addFieldOffset(TENSOR_METADATA.processUnits, units, 0);
    return b.endObject();
  };

  const inputs = offsetVector(b, [tensor(meta.input.name, meta.input.description, meta.input)]);
  const outputs = offsetVector(
    b,
    meta.outputs.map((o) => tensor(o.name, o.description)),
  );
  const subgraphName = b.createString(meta.name);
  b.startObject(4);
  b.addFieldOffset(SUBGRAPH_METADATA.name, subgraphName, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.inputTensorMetadata, inputs, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.outputTensorMetadata, outputs, 0);
  const subgraphs = offsetVector(b, [b.endObject()]);

  const name = b.createString(meta.name);
  const description = b.createString(meta.description);
  const license = b.createString(meta.licence);
  // 1.0.0 is the oldest parser version: we use no field added later.
  const minParser = b.createString('1.0.0');
  b.startObject(8);
  b.addFieldOffset(MODEL_METADATA.name, name, 0);
  b.addFieldOffset(MODEL_METADATA.description, description, 0);
  b.addFieldOffset(MODEL_METADATA.subgraphMetadata, subgraphs, 0);
  b.addFieldOffset(MODEL_METADATA.license, license, 0);
  b.addFieldOffset(MODEL_METADATA.minParserVersion, minParser, 0);
  b.finish(b.endObject(), 'M001');
  return b.asUint8Array().slice();
}

function floatVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i] ?? 0);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
  return b.endVector();
}
