/**
 * A scheduled writer that changes, deletes and expires product keys so the sample has
 * something to show; off with {@code sample.demo-writer.enabled=false}, paused and resumed
 * from the page ({@code PUT /api/demo-writer}).
 */
package io.keyspace.sample.demo;
