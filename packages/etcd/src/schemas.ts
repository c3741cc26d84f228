import * as z from "zod/mini";

// What etcd's v3 JSON gateway answers (proto3 JSON: 64-bit integers as strings, fields
// at their default value left out). Built on first use: VERSION never talks to etcd.

function build() {
  const int = z.optional(z.union([z.string(), z.number()]));
  const header = z.optional(z.looseObject({ revision: int, member_id: z.optional(z.string()) }));
  const kv = z.looseObject({
    key: z.string(),
    value: z.optional(z.string()),
    create_revision: int,
    mod_revision: int,
    version: int,
  });
  const range = z.looseObject({ header, kvs: z.optional(z.array(kv)), count: int, more: z.optional(z.boolean()) });
  const put = z.looseObject({ header });
  const del = z.looseObject({ header, deleted: int });
  const responseOp = z.looseObject({
    response_range: z.optional(range),
    response_put: z.optional(put),
    response_delete_range: z.optional(del),
  });
  const txn = z.looseObject({ header, succeeded: z.optional(z.boolean()), responses: z.optional(z.array(responseOp)) });
  const auth = z.looseObject({ header, token: z.optional(z.string()) });
  const status = z.looseObject({
    header,
    version: z.optional(z.string()),
    leader: int,
    raftIndex: int,
    raftTerm: int,
    errors: z.optional(z.array(z.string())),
  });
  const error = z.looseObject({ error: z.optional(z.string()), message: z.optional(z.string()), code: z.optional(z.number()) });
  return { range, del, txn, auth, status, error };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;
export const schemas = (): Schemas => (built ??= build());

export type RangeReply = z.infer<Schemas["range"]>;
export type TxnReply = z.infer<Schemas["txn"]>;
export type DeleteReply = z.infer<Schemas["del"]>;
export type StatusReply = z.infer<Schemas["status"]>;
