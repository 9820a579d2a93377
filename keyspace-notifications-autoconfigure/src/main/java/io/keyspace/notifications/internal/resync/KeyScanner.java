package io.keyspace.notifications.internal.resync;

import java.util.List;
import java.util.function.Predicate;

import io.keyspace.notifications.RedisNode;

/** Reads which keys a node holds; one connection per pass. */
public interface KeyScanner {

	/** Opens a connection to a node for one pass. */
	NodeKeys open(RedisNode node);

	/** The keys of one node, for one pass; used by one thread. */
	interface NodeKeys extends AutoCloseable {

		/**
		 * Scans a database with {@code SCAN MATCH glob COUNT count}, page by page.
		 * @param page called with each non-empty page of keys; returning {@code false} stops the scan
		 */
		void scan(int db, byte[] glob, int count, Predicate<List<byte[]>> page);

		/** Whether a key exists in a database. */
		boolean exists(int db, byte[] key);

		@Override
		void close();

	}

}
