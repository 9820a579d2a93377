package io.keyspace.notifications.internal.group;

import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.KeyNotification;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

/**
 * Appends notifications to group streams, capped, in one pipeline per batch. A command Redis
 * refused is not an exception of the pipeline: during a failover the demoted primary answers
 * {@code MOVED}, which a cluster pipeline neither follows nor reports. So each reply is
 * checked; what was refused stays in the batch and the first refusal is thrown, for the
 * caller to write the batch again after a pause, by when a single command (which follows
 * {@code MOVED}) has updated the client's slots.
 */
final class StreamWriter {

	private final UnifiedJedis redis;

	private final GroupKeys keys;

	private final XAddParams capped;

	StreamWriter(UnifiedJedis redis, GroupKeys keys, long maxLength) {
		this.redis = redis;
		this.keys = keys;
		this.capped = XAddParams.xAddParams().maxLen(maxLength).approximateTrimming();
	}

	/**
	 * Writes the batch and removes from it what Redis took.
	 * @return how many were written
	 * @throws RuntimeException the first refusal, with the refused ones left in {@code batch}
	 */
	int write(List<Forward> batch) {
		List<Response<StreamEntryID>> replies = new ArrayList<>(batch.size());
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			for (Forward forward : batch) {
				replies.add(pipeline.xadd(this.keys.stream(forward.tag()), this.capped,
						StreamEntries.of(forward.notification())));
			}
			pipeline.sync();
		}
		List<Forward> refused = new ArrayList<>();
		RuntimeException firstRefusal = null;
		for (int i = 0; i < replies.size(); i++) {
			try {
				replies.get(i).get();
			}
			catch (RuntimeException ex) {
				refused.add(batch.get(i));
				firstRefusal = (firstRefusal != null) ? firstRefusal : ex;
			}
		}
		int written = batch.size() - refused.size();
		batch.clear();
		batch.addAll(refused);
		if (firstRefusal != null) {
			throw firstRefusal;
		}
		return written;
	}

	/** A notification on its way into the stream of its source. */
	record Forward(String tag, KeyNotification notification) {
	}

}
