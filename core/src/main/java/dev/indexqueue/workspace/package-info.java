/**
 * Workspaces as the source of truth: {@link dev.indexqueue.workspace.FileSystemWorkspaceSource}
 * lists and reads the files of named directories under one root, and {@link
 * dev.indexqueue.workspace.WorkspaceManager} changes them (atomic writes, deletes) and submits the
 * matching tasks to an {@link dev.indexqueue.IndexingService}. No path may escape a workspace's
 * directory, symbolic links included.
 */
package dev.indexqueue.workspace;
