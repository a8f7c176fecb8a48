; stub
