/**
 * The engine behind {@link io.keyspace.notifications.KeyspaceNotifications}; nothing here is
 * public API. A message travels: node reader ({@code reader}) → parse (the API's
 * {@code KeyNotification} parser, handed in) → match and filter ({@code match}) → dispatch
 * ({@code dispatch}) → handler; {@code cluster} decides which node of which shard carries
 * which channel, {@code replication} reads a Sentinel or master/replica setup as one shard,
 * and {@code config} checks that the servers publish what is subscribed. {@code gap} tracks
 * interruptions; {@code group} handles each notification once across application instances,
 * with threads of its own (docs/threading.md lists every thread and lock).
 * <p>
 * <b>Threading.</b> Each node read has one <em>reader thread</em> ({@code NodeSubscriber},
 * {@code keyspace-reader-host:port}): it connects, reads frames, and on each message runs
 * match, parse and filter, collecting a batch it hands to the handler lanes when its read
 * buffer is empty; it runs user code only for a small burst whose lane is idle and whose
 * handlers have been fast ({@code DispatchSettings.inline}). Each <em>handler lane</em> ({@code Dispatcher}) is
 * one thread with one bounded queue, chosen by key hash, so one key's notifications run in
 * order. One <em>scheduler thread</em> per notifications object runs, one task at a time, the
 * health-check PINGs, the servers' {@code notify-keyspace-events} checks and, for a cluster,
 * Sentinel or master/replica setup, every topology refresh (a caller of {@code refresh()}
 * hands one over and waits for it). One <em>gap thread</em> ({@code GapTracker}) calls the
 * gap listeners. A Sentinel setup adds one reader thread on a sentinel for
 * {@code +switch-master} ({@code SentinelWatcher}). Callers' threads subscribe and unsubscribe,
 * and the first subscription of a sharded setup reads its first topology.
 * <p>
 * These locks are held for memory updates only: the notifications object's state lock (what
 * is wanted where: the registry together with the topology and each node's wanted set); each
 * {@code NodeSubscriber}'s lock (its connection and wanted/sent sets), taken after the state
 * lock; each lane's queue lock, held per batch; and the monitors of the registry, the
 * {@code GapTracker} and the {@code SentinelWatcher}. Two are held longer, and no caller's
 * status or metric read takes either: the {@code Dispatcher}'s monitor, which only
 * {@code close()} takes, held while the handlers drain; and a {@code NodeSubscriber}'s write
 * lock ({@code WriteHandOff}), held while a command is written to its socket, which is only
 * ever try-locked (a thread that finds it taken leaves its write to the holder), so nobody
 * waits for it. Confirmations are awaited, and topologies read, without any lock; refreshes
 * are serialized by running on the scheduler thread. The registry is read lock-free by
 * reader threads; counters are lock-free adders.
 */
package io.keyspace.notifications.internal;
