/**
 * Test support for applications using StateTree: {@link io.statetree.test.StateTreeExtension} (a
 * fresh in-memory controller per JUnit test), {@link io.statetree.test.AutoConfigureStateTree} (an
 * in-memory tree in a Spring Boot test, reset after every test method) and
 * {@link io.statetree.test.StateTreeTestEvents} (the events heard, to assert on or await).
 */
@NullMarked
package io.statetree.test;

import org.jspecify.annotations.NullMarked;
