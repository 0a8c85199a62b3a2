-- A usage record's id is "ur_" + its request id: with the id as the only unique key, this keeps one
-- record per request. NOT VALID: rows written before ids were derived (random ids) stay as they are.
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_id_is_request_id" CHECK ("id" = 'ur_' || "requestId") NOT VALID;
