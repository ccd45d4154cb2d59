import { dropboxTimestamp } from './clock.ts';
import type { JsonObject } from './errors.ts';
import type { FileNode, FolderNode, Node, Tombstone } from './namespace.ts';

/**
 * Stone serialization of metadata. Where a route declares `Metadata` (list_folder, get_metadata,
 * delete_v2) each entry names its subtype with `.tag`; where it declares FileMetadata or
 * FolderMetadata (upload, finish, create_folder_v2) there is no `.tag`.
 */

export function fileMetadata(node: FileNode, tagged: boolean): JsonObject {
  return {
    ...(tagged ? { '.tag': 'file' } : {}),
    name: node.name,
    id: node.id,
    client_modified: dropboxTimestamp(node.clientModified),
    server_modified: dropboxTimestamp(node.serverModified),
    rev: node.rev,
    size: node.size,
    path_lower: node.pathLower,
    path_display: node.pathDisplay,
    is_downloadable: true,
    content_hash: node.contentHash,
  };
}

export function folderMetadata(node: FolderNode, tagged: boolean): JsonObject {
  return {
    ...(tagged ? { '.tag': 'folder' } : {}),
    name: node.name,
    id: node.id,
    path_lower: node.pathLower,
    path_display: node.pathDisplay,
  };
}

/** A `Metadata` union value: always tagged. */
export function metadata(node: Node): JsonObject {
  return node.kind === 'file' ? fileMetadata(node, true) : folderMetadata(node, true);
}

export function deletedMetadata(tombstone: Tombstone): JsonObject {
  return {
    '.tag': 'deleted',
    name: tombstone.name,
    path_lower: tombstone.pathLower,
    path_display: tombstone.pathDisplay,
  };
}
