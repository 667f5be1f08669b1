// Validates an OpenAPI document with @apidevtools/swagger-parser (schema and semantic checks):
// node validate_openapi.mjs FILE — prints "valid: N paths" and exits 0, or the error and exits 1.
import SwaggerParser from "@apidevtools/swagger-parser";
import { readFileSync } from "node:fs";

const file = process.argv[2];
try {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const api = await SwaggerParser.validate(doc);
  console.log(`valid: ${Object.keys(api.paths).length} paths`);
} catch (e) {
  console.error(`invalid: ${e.message}`);
  process.exit(1);
}
