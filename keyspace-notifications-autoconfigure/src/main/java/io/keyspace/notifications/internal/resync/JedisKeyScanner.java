package io.keyspace.notifications.internal.resync;

import java.util.List;
import java.util.function.Predicate;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Scans with Jedis on a connection of its own, made with the notifications' connection
 * settings (the ACL user needs {@code +scan +exists +select}).
 */
public final class JedisKeyScanner implements KeyScanner {

	private final ConnectionSettings settings;

	public JedisKeyScanner(ConnectionSettings settings) {
		this.settings = settings;
	}

	@Override
	public NodeKeys open(RedisNode node) {
		Jedis jedis = new Jedis(new HostAndPort(node.host(), node.port()),
				this.settings.jedisConfig(this.settings.commandTimeout()));
		return new JedisNodeKeys(jedis);
	}

	private static final class JedisNodeKeys implements NodeKeys {

		private final Jedis jedis;

		private int selected = 0; // jedisConfig connects to database 0

		JedisNodeKeys(Jedis jedis) {
			this.jedis = jedis;
		}

		@Override
		public void scan(int db, byte[] glob, int count, Predicate<List<byte[]>> page) {
			select(db);
			ScanParams params = new ScanParams().match(glob).count(count);
			byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
			do {
				ScanResult<byte[]> result = this.jedis.scan(cursor, params);
				cursor = result.getCursorAsBytes();
				if (!result.getResult().isEmpty() && !page.test(result.getResult())) {
					return;
				}
			}
			while (!finished(cursor));
		}

		private static boolean finished(byte[] cursor) {
			return cursor.length == 1 && cursor[0] == '0';
		}

		@Override
		public boolean exists(int db, byte[] key) {
			select(db);
			return this.jedis.exists(key);
		}

		private void select(int db) {
			if (db != this.selected) {
				this.jedis.select(db);
				this.selected = db;
			}
		}

		@Override
		public void close() {
			this.jedis.close();
		}

	}

}
