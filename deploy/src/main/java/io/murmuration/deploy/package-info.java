/**
 * Deployment: the container image of the runner and the webhook service, and the offline checks of
 * {@code terraform/} and {@code dashboards/}. This module has no code of its own; its build ({@code
 * pom.xml}) makes the image and its tests check it. How to build and run the image: {@code
 * docs/image.md}.
 *
 * <p><b>The image is the launcher's installed layout.</b> Jib ({@code jib:buildTar}: an OCI
 * tarball, no Docker daemon) lays the module's runtime class path, which is the webhook service's
 * and so the runner's and the scenarios', into {@code /opt/murmuration/libs/}; the build adds
 * {@code murm} and {@code jdk.sh} next to it, and {@code murm}, the entrypoint, finds itself
 * installed there (no {@code pom.xml} next to it): it builds nothing and runs {@code java} on
 * {@code libs/*}, with the same JVM flags as from a source checkout. So the container starts each
 * role the way a checkout does ({@code murm node}, {@code murm coordinator}, {@code murm hook}),
 * and the service's runs start the runner as they do there (its own java and class path).
 *
 * <p><b>The Gatling child has a folder of its own</b> ({@code /opt/murmuration/gatling/}: the
 * gatling module's classes and its runtime dependencies, which the gatling module copies to {@code
 * target/lib}), and {@code /opt/murmuration/gatling.classpath} names it for the runner: Gatling
 * brings Netty 4.2 and the runner pins 4.1, so the two class paths never meet. The dependencies are
 * resolved in the gatling module, where Gatling's versions win; resolved here they would be the
 * runner's.
 *
 * <p><b>Tested offline.</b> No base image can be pulled here, so {@code mvn verify} builds the same
 * layers on {@code scratch} ({@code target/test-image.tar}) and {@code ImageTest} reads it as an
 * OCI layout, unpacks it and runs the unpacked {@code murm} on this machine's JDK. The image with a
 * Java base is built on request ({@code ./murm image}).
 *
 * <p>Jib reads a module's compiled classes even when, as here, there are none to ship: this file is
 * what gives it {@code target/classes}.
 */
package io.murmuration.deploy;
